-- What the owner writes about an image; an empty title shows the filename.
alter table images add column title text not null default '';
alter table images add column caption text not null default '';
alter table images add column alt_text text not null default '';

-- Unlisted: reachable only with the share token (revocable, optionally expiring).
alter table images drop constraint images_visibility_check;
alter table images add constraint images_visibility_check check (visibility in ('public', 'private', 'unlisted'));
alter table images add column share_token text unique;
alter table images add column share_expires_at timestamptz;
