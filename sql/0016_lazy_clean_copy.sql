-- The full-size, metadata-free copy everyone but the owner gets is made on its first request, not
-- at upload (most are never asked for). Until then `clean_bytes` is null and `stored_bytes` does
-- not count it; the request that records it adds its bytes to `stored_bytes` (and so, by the
-- trigger of 0009, to the owner's `used_bytes`) in the same statement. Images uploaded before
-- this migration keep the copies they have.
alter table images alter column clean_bytes drop not null;
