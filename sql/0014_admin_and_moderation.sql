-- Running an instance: admins, who may sign up, per-account quotas, and moderation.

-- The first account of an instance runs it (an instance that already has accounts: its oldest).
alter table users add column role text not null default 'user' check (role in ('user', 'admin'));
alter table users add column disabled_at timestamptz;
-- Null: QUOTA_MB, the instance's configured quota.
alter table users add column quota_bytes bigint check (quota_bytes > 0);
-- Written at most every five minutes per account (auth/session.ts), for the admin's list.
alter table users add column last_seen_at timestamptz;
update users set role = 'admin' where id = (select id from users order by created_at, id limit 1);
-- The admin's people list: newest first, keyset.
create index users_created_idx on users (created_at desc, id desc);

-- One row: what the admin decided for every instance at once.
create table instance_settings (
  singleton boolean primary key default true check (singleton),
  registration text not null default 'open' check (registration in ('open', 'invite', 'closed')),
  -- The quota a new account starts with; null: QUOTA_MB.
  default_quota_bytes bigint check (default_quota_bytes > 0),
  -- Whether visitors (signed out) may browse the gallery's lists.
  gallery_public boolean not null default true
);
insert into instance_settings default values;

-- Invite links: only a hash of the token is kept. `email`: only that address may use it.
create table invites (
  id text primary key,
  token_hash text not null unique,
  email text,
  max_uses integer not null check (max_uses between 1 and 1000),
  uses integer not null default 0,
  expires_at timestamptz,
  created_by text references users (id) on delete set null,
  created_at timestamptz not null default now(),
  revoked_at timestamptz
);
create index invites_created_idx on invites (created_at desc, id desc);

-- Every admin action: who (named as they were then: the account may go), what, to whom, when.
create table audit_log (
  id bigint generated always as identity primary key,
  at timestamptz not null default now(),
  actor_id text references users (id) on delete set null,
  actor text not null,
  action text not null,
  target text not null default '',
  detail text not null default ''
);

-- Withheld: hidden by a moderator, or its owner's account is disabled. A withheld image or album
-- is seen by its owner only: every public list, page, link and byte leaves it out. The owner's
-- choice of visibility is kept, so lifting either brings it back unchanged.
alter table images add column hidden_at timestamptz;
alter table images add column hidden_reason text not null default '';
alter table images add column owner_disabled boolean not null default false;
alter table images add column withheld boolean generated always as (hidden_at is not null or owner_disabled) stored;
alter table albums add column hidden_at timestamptz;
alter table albums add column hidden_reason text not null default '';
alter table albums add column owner_disabled boolean not null default false;
alter table albums add column withheld boolean generated always as (hidden_at is not null or owner_disabled) stored;

-- The public lists' indexes leave withheld rows out, as their queries do: a disabled spammer's
-- thousands of images are not walked past on every gallery page.
drop index images_public_created_idx;
create index images_public_created_idx on images (created_at desc, id desc) where visibility = 'public' and deleted_at is null and not withheld;
drop index images_public_taken_idx;
create index images_public_taken_idx on images (taken_sort desc, id desc) where visibility = 'public' and deleted_at is null and not withheld;
drop index albums_public_created_idx;
create index albums_public_created_idx on albums (created_at desc, id desc) where visibility = 'public' and not withheld;

-- Public derivatives sit in shared caches under URLs naming the epoch (sql/0008): withholding an
-- image moves it on, so those URLs answer 404 at the origin, which shared caches ask again
-- within five minutes (images/bytes.ts).
create function bump_withheld_epoch() returns trigger language plpgsql as $$
begin
  new.epoch := new.epoch + 1;
  return new;
end $$;
create trigger images_withheld_epoch before update of hidden_at, owner_disabled on images
  for each row when ((old.hidden_at is not null or old.owner_disabled) is distinct from (new.hidden_at is not null or new.owner_disabled))
  execute function bump_withheld_epoch();

-- Reports of public or shared images and albums; one open report per person and item.
create table reports (
  id text primary key,
  image_id text references images (id) on delete cascade,
  album_id text references albums (id) on delete cascade,
  reporter_id text not null references users (id) on delete cascade,
  reason text not null check (reason in ('spam', 'sexual', 'violence', 'harassment', 'illegal', 'copyright', 'other')),
  details text not null default '' check (char_length(details) <= 1000),
  created_at timestamptz not null default now(),
  resolved_at timestamptz,
  resolution text check (resolution in ('hidden', 'deleted', 'dismissed')),
  check ((image_id is null) <> (album_id is null))
);
create unique index reports_open_image_key on reports (reporter_id, image_id) where resolved_at is null and image_id is not null;
create unique index reports_open_album_key on reports (reporter_id, album_id) where resolved_at is null and album_id is not null;
create index reports_open_idx on reports (created_at desc) where resolved_at is null;
create index reports_image_idx on reports (image_id) where image_id is not null;
create index reports_album_idx on reports (album_id) where album_id is not null;

-- The janitor's last pass, for the admin's overview.
create table janitor_last_run (
  singleton boolean primary key default true check (singleton),
  finished_at timestamptz not null,
  trashed integer not null,
  retried integer not null,
  orphans integer not null
);
