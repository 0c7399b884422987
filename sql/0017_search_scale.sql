-- A search reads the GIN index of words (sql/0010) and costs what its matches cost. With the
-- default `fastupdate`, new rows wait in the index's pending list until a vacuum, and every
-- search reads that whole list: an instance without autovacuum (embedded PostgreSQL) searched
-- through every image uploaded since its start, and the planner, seeing that cost, walked the
-- time index instead. Uploads come one at a time: each goes straight into the index.
alter index images_search_idx set (fastupdate = off);
select gin_clean_pending_list('images_search_idx'::regclass);
