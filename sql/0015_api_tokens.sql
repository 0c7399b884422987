-- Personal API tokens: `cir_` followed by 256 random bits, shown once; only the SHA-256 is kept.
-- `write` includes `read`. A revoked or expired token stays listed (greyed) until its owner's
-- account goes; it never authenticates again.
create table api_tokens (
  id text primary key,
  user_id text not null references users (id) on delete cascade,
  name text not null,
  scope text not null check (scope in ('read', 'write')),
  token_hash text not null unique,
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  expires_at timestamptz,
  revoked_at timestamptz
);
create index api_tokens_user_idx on api_tokens (user_id, created_at desc);

-- A new password ends every live token, whichever way it was set (settings, a reset link, an
-- admin tool): a token is as good as the password, so whoever changes it to lock someone out must
-- not leave a token behind. So does an admin disabling the account: enabling it again must not
-- bring back a token that may have been the reason. Expired tokens keep their state.
create function api_tokens_end() returns trigger language plpgsql as $$
begin
  update api_tokens set revoked_at = now()
  where user_id = new.id and revoked_at is null and (expires_at is null or expires_at > now());
  return new;
end $$;
create trigger api_tokens_end_on_password after update of password_hash on users
  for each row when (old.password_hash is distinct from new.password_hash)
  execute function api_tokens_end();
create trigger api_tokens_end_on_disable after update of disabled_at on users
  for each row when (old.disabled_at is null and new.disabled_at is not null)
  execute function api_tokens_end();
