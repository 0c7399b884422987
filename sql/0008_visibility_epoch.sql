-- Public derivatives are cached for a year under URLs that name their content. The epoch is part
-- of those URLs and changes with every change of visibility, so once an image turns private (or
-- unlisted) the URLs any shared cache may hold are no longer the ones our pages use, and they
-- answer 404 at the origin.
alter table images add column epoch integer not null default 0;

create function bump_image_epoch() returns trigger language plpgsql as $$
begin
  new.epoch := old.epoch + 1;
  return new;
end $$;

create trigger images_visibility_epoch before update of visibility on images
  for each row when (old.visibility is distinct from new.visibility) execute function bump_image_epoch();
