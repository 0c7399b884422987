create table users (
  id text primary key,
  email text not null,
  username text not null,
  password_hash text not null,
  created_at timestamptz not null default now()
);
create unique index users_email_key on users (lower(email));
create unique index users_username_key on users (lower(username));

-- `id` is the SHA-256 of the token in the cookie: a leaked table holds no usable session.
create table sessions (
  id text primary key,
  user_id text not null references users (id) on delete cascade,
  expires_at timestamptz not null,
  created_at timestamptz not null default now(),
  user_agent text not null default ''
);
create index sessions_user_id_idx on sessions (user_id);
