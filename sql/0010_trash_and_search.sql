-- Trash: a deleted image keeps its row, its objects and its place in its owner's quota until it
-- is restored or purged (by its owner, or by the janitor after TRASH_DAYS). Null: not in the trash.
alter table images add column deleted_at timestamptz;

-- Lists show live images only: their keyset indexes leave the trash out, so a deep page still
-- walks one index from its cursor without filtering rows away.
drop index images_user_created_idx;
create index images_user_created_idx on images (user_id, created_at desc, id desc) where deleted_at is null;
drop index images_public_created_idx;
create index images_public_created_idx on images (created_at desc, id desc) where visibility = 'public' and deleted_at is null;
-- A user's trash, newest trashed first; and what the janitor purges, oldest first.
create index images_user_trashed_idx on images (user_id, deleted_at desc, id desc) where deleted_at is not null;
create index images_trashed_idx on images (deleted_at) where deleted_at is not null;

-- Public lists change when a live public image changes, enters the trash or leaves it; an image
-- already in the trash (edited by nobody, purged by the janitor) changes none of them.
drop trigger images_public_update on images;
create trigger images_public_update after update on images
  for each row when ((old.visibility = 'public' and old.deleted_at is null) or (new.visibility = 'public' and new.deleted_at is null))
  execute function bump_public_version();
drop trigger images_public_delete on images;
create trigger images_public_delete after delete on images
  for each row when (old.visibility = 'public' and old.deleted_at is null) execute function bump_public_version();

-- Search by words: title, filename, caption and alt text, cut into words at punctuation and
-- spaces (`beach-sunset_2.jpg` is beach, sunset, 2, jpg; the parser alone would keep it whole as
-- a file name). 'simple': no stemming and no stop words, since these are names more than prose.
alter table images add column search tsvector generated always as (
  to_tsvector('simple', regexp_replace(title || ' ' || filename || ' ' || caption || ' ' || alt_text, '[[:punct:][:space:]]+', ' ', 'g'))
) stored;
create index images_search_idx on images using gin (search);
