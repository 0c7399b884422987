-- Where the janitor's sweep for orphaned objects stopped: its next pass goes on after this key
-- (null: from the first key). Each pass looks at a bounded number of objects.
alter table janitor_last_run add column swept_to text;
