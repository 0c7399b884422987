-- What the camera recorded (EXIF), read from the original before any copy strips it. Only the
-- owner ever sees these: no other page, tag, feed or byte carries them.
alter table images
  add column taken_at timestamptz,
  -- The offset from UTC the camera recorded with the time (`+02:00`); null when it wrote none,
  -- and then `taken_at` holds the camera's clock as if it were UTC.
  add column taken_offset text,
  add column camera_make text,
  add column camera_model text,
  add column lens text,
  add column focal_length real,
  add column aperture real,
  add column exposure_time double precision,
  add column iso integer,
  add column latitude double precision,
  add column longitude double precision;

-- `sort=taken`: newest taken first; an image without a date sorts by its upload time.
alter table images add column taken_sort timestamptz generated always as (coalesce(taken_at, created_at)) stored;
create index images_user_taken_idx on images (user_id, taken_sort desc, id desc) where deleted_at is null;
create index images_public_taken_idx on images (taken_sort desc, id desc) where visibility = 'public' and deleted_at is null;
