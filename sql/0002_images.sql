create table images (
  id text primary key,
  user_id text not null references users (id) on delete cascade,
  filename text not null,
  visibility text not null check (visibility in ('public', 'private')),
  format text not null,
  width integer not null,
  height integer not null,
  bytes bigint not null,
  sha256 text not null,
  original_key text not null,
  thumb_key text not null,
  thumb_hash text not null,
  display_key text not null,
  display_hash text not null,
  created_at timestamptz not null default now()
);
-- Keyset pagination: newest first, id breaks ties.
create index images_user_created_idx on images (user_id, created_at desc, id desc);
create index images_public_created_idx on images (created_at desc, id desc) where visibility = 'public';
