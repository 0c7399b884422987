-- Objects to delete. A key is queued in the same transaction that removes its row, so a delete
-- that fails (or a crash) is retried by the janitor instead of forgotten.
create table pending_deletions (
  key text primary key,
  attempts integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  last_error text
);

-- Background jobs that one instance at a time may run: whoever holds an unexpired lease.
create table job_leases (
  name text primary key,
  holder text not null,
  expires_at timestamptz not null
);
