-- Fixed-window counters (login failures per account and per address, sign-ups per address),
-- shared by every instance.
create table rate_limits (
  key text primary key,
  hits integer not null,
  window_ends timestamptz not null
);
