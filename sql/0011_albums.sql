-- Albums: a user's sets of their own images, each with its own audience. The album's audience
-- sees every image in it, whatever the image's own visibility (which the album never changes).
create table albums (
  id text primary key,
  user_id text not null references users (id) on delete cascade,
  title text not null check (char_length(title) between 1 and 200),
  description text not null default '' check (char_length(description) <= 2000),
  -- Chosen by the owner; while it is not a live member, the first image in the album's order is shown.
  cover_image_id text references images (id) on delete set null,
  visibility text not null default 'private' check (visibility in ('public', 'private', 'unlisted')),
  share_token text unique,
  share_expires_at timestamptz,
  sort text not null default 'newest' check (sort in ('newest', 'oldest', 'manual')),
  -- Its live images (not in the trash), kept by the triggers below: no page counts them.
  image_count integer not null default 0,
  created_at timestamptz not null default now()
);
-- A user's albums, and the public ones of everyone: keyset pages, newest first.
create index albums_user_created_idx on albums (user_id, created_at desc, id desc);
create index albums_public_created_idx on albums (created_at desc, id desc) where visibility = 'public';

create table album_images (
  album_id text not null references albums (id) on delete cascade,
  image_id text not null references images (id) on delete cascade,
  -- The owner's arrangement (`sort = 'manual'`): new members go last; reordering swaps positions.
  position integer not null,
  -- The image's own upload time (it never changes), so that the newest and oldest orders walk
  -- an index of the album's members rather than sorting them all for every page.
  created_at timestamptz not null,
  -- The image is in the trash (kept by a trigger on images): it shows in no album meanwhile.
  trashed boolean not null default false,
  primary key (album_id, image_id)
);
-- An album's pages in each of its orders, from a keyset cursor, live members only.
create index album_images_created_idx on album_images (album_id, created_at desc, image_id desc) where not trashed;
create index album_images_position_idx on album_images (album_id, position, image_id) where not trashed;
-- Which albums an image is in (its page; access through an album).
create index album_images_image_idx on album_images (image_id);

create function track_album_trash() returns trigger language plpgsql as $$
begin
  update album_images set trashed = new.deleted_at is not null where image_id = new.id;
  return null;
end $$;
create trigger images_album_trash after update of deleted_at on images
  for each row when ((old.deleted_at is null) is distinct from (new.deleted_at is null))
  execute function track_album_trash();

create function count_album_images() returns trigger language plpgsql as $$
begin
  if tg_op in ('DELETE', 'UPDATE') and not old.trashed then
    update albums set image_count = image_count - 1 where id = old.album_id;
  end if;
  if tg_op in ('INSERT', 'UPDATE') and not new.trashed then
    update albums set image_count = image_count + 1 where id = new.album_id;
  end if;
  return null;
end $$;
create trigger album_images_count after insert or delete or update of trashed on album_images
  for each row execute function count_album_images();

-- Public albums show on /u/<name> and /albums/public, which the page cache keeps while
-- public_version stands still (sql/0006): every change a public album's card can show bumps it.
create trigger albums_public_insert after insert on albums
  for each row when (new.visibility = 'public') execute function bump_public_version();
create trigger albums_public_update after update on albums
  for each row when (old.visibility = 'public' or new.visibility = 'public') execute function bump_public_version();
create trigger albums_public_delete after delete on albums
  for each row when (old.visibility = 'public') execute function bump_public_version();

create function bump_public_version_for_album() returns trigger language plpgsql as $$
declare
  album text;
begin
  if tg_op = 'DELETE' then album := old.album_id; else album := new.album_id; end if;
  if exists (select 1 from albums where id = album and visibility = 'public') then
    update public_version set n = n + 1;
  end if;
  return null;
end $$;
create trigger album_images_public after insert or update or delete on album_images
  for each row execute function bump_public_version_for_album();

-- A public album's card shows its cover's thumbnail (by epoch and hash) and its alt text, title
-- or filename. (A member entering or leaving the trash changes its `album_images` row.)
create function bump_public_version_for_member() returns trigger language plpgsql as $$
begin
  if exists (select 1 from album_images ai join albums a on a.id = ai.album_id
             where ai.image_id = new.id and a.visibility = 'public') then
    update public_version set n = n + 1;
  end if;
  return null;
end $$;
create trigger images_album_member_update
  after update of epoch, thumb_hash, thumb2x_hash, alt_text, title, filename on images
  for each row when ((old.epoch, old.thumb_hash, old.thumb2x_hash, old.alt_text, old.title, old.filename)
    is distinct from (new.epoch, new.thumb_hash, new.thumb2x_hash, new.alt_text, new.title, new.filename))
  execute function bump_public_version_for_member();
