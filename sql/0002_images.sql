create table images (
  id text primary key,
  user_id text not null references users (id) on delete cascade,
  filename text not null,
  visibility text not null check (visibility in ('public', 'private')),
  -- The original as uploaded: only its owner ever receives these exact bytes.
  format text not null,
  bytes bigint not null,
  sha256 text not null,
  -- Upright dimensions (EXIF orientation applied).
  width integer not null,
  height integer not null,
  -- ThumbHash of the image: a colour placeholder while the thumbnail loads.
  placeholder text not null,
  -- Content hashes: they name the derivative objects and their URLs.
  thumb_hash text not null,
  thumb2x_hash text not null,
  display_hash text not null,
  -- Full-size, metadata-free re-encoding: the "original" everyone else downloads.
  clean_bytes bigint not null,
  created_at timestamptz not null default now()
);
-- Keyset pagination: newest first, id breaks ties.
create index images_user_created_idx on images (user_id, created_at desc, id desc);
create index images_public_created_idx on images (created_at desc, id desc) where visibility = 'public';
-- One copy of the same bytes per user.
create unique index images_user_sha256_key on images (user_id, sha256);
