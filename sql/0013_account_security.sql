-- Accounts people can trust: mail, password reset, email verification, two-factor login, passkeys.

-- The address stays `email` until a new one is verified; `pending_email` waits for its link.
alter table users add column email_verified_at timestamptz;
alter table users add column pending_email text;
-- TOTP: the shared key (null: two-factor login is off) and the last time step accepted, so no
-- code is ever accepted twice.
alter table users add column totp_key bytea;
alter table users add column totp_last_step bigint not null default 0;

-- Mail waiting to go out. A row is composed when it is sent (a reset link is made then, for
-- the account that uses the address then); whichever instance claims it first sends it, and a
-- claim is a lease: `next_attempt_at` moves past the send's deadline, so a crashed sender's row
-- comes back by itself.
create table mail_outbox (
  id bigint generated always as identity primary key,
  kind text not null,
  recipient text not null,
  data jsonb not null default '{}',
  origin text not null,
  attempts integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  last_error text,
  created_at timestamptz not null default now()
);
create index mail_outbox_due_idx on mail_outbox (next_attempt_at);

-- One-time links (reset, verify): only a hash is kept, and one per account and purpose, so a
-- newer link replaces the older one.
create table account_tokens (
  hash text primary key,
  user_id text not null references users (id) on delete cascade,
  purpose text not null check (purpose in ('reset', 'verify')),
  email text not null,
  expires_at timestamptz not null,
  created_at timestamptz not null default now(),
  unique (user_id, purpose)
);

create table recovery_codes (
  user_id text not null references users (id) on delete cascade,
  hash text not null,
  primary key (user_id, hash)
);

-- A sign-in that passed the password and waits for its second factor. Not a session: nothing
-- but /login/2fa accepts it.
create table login_challenges (
  id text primary key,
  user_id text not null references users (id) on delete cascade,
  next text not null default '',
  expires_at timestamptz not null
);
create index login_challenges_user_idx on login_challenges (user_id);

create table passkeys (
  id text primary key,
  user_id text not null references users (id) on delete cascade,
  public_key bytea not null,
  counter bigint not null default 0,
  transports text not null default '',
  name text not null,
  created_at timestamptz not null default now(),
  last_used_at timestamptz
);
create index passkeys_user_idx on passkeys (user_id);

-- WebAuthn challenges between the options and the answer; each is used once.
create table webauthn_challenges (
  challenge text primary key,
  user_id text references users (id) on delete cascade,
  expires_at timestamptz not null
);
