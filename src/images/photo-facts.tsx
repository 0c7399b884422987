import { offsetMinutes, type PhotoDetails } from './exif.ts';

/** "2024-06-01 14:30" as the camera's clock read it, with its offset when it recorded one. */
function takenText(d: PhotoDetails) {
  const clock = new Date(d.taken_at!.getTime() + (offsetMinutes(d.taken_offset) ?? 0) * 60_000);
  const text = clock.toISOString().slice(0, 16).replace('T', ' ');
  return d.taken_offset ? `${text} (UTC${d.taken_offset})` : text;
}

/** "1/250 s" below a second, "2.5 s" from one. */
const exposureText = (t: number) => (t >= 1 ? `${Math.round(t * 10) / 10} s` : `1/${Math.round(1 / t)} s`);
const round = (n: number, places = 2) => String(Math.round(n * 10 ** places) / 10 ** places);

/** "Apple iPhone 15 Pro", without repeating a make the model already names ("Canon Canon EOS R5"). */
function cameraText(d: PhotoDetails) {
  const [make, model] = [d.camera_make ?? '', d.camera_model ?? ''];
  return model.toLowerCase().startsWith(make.toLowerCase()) ? model : `${make} ${model}`.trim();
}

/**
 * The camera's record of a photo, for its owner's page only: when, with what, and where (the
 * coordinates as text, and a link out to a map; the page itself loads no map).
 */
export function PhotoFacts({ details: d }: { details: PhotoDetails }) {
  const map = d.latitude !== null && d.longitude !== null
    ? `https://www.openstreetmap.org/?mlat=${d.latitude}&mlon=${d.longitude}#map=16/${d.latitude}/${d.longitude}`
    : undefined;
  return (
    <>
      {d.taken_at && <><dt>Taken</dt><dd>{takenText(d)}</dd></>}
      {(d.camera_make || d.camera_model) && <><dt>Camera</dt><dd>{cameraText(d)}</dd></>}
      {d.lens && <><dt>Lens</dt><dd>{d.lens}</dd></>}
      {d.focal_length !== null && <><dt>Focal length</dt><dd>{round(d.focal_length)} mm</dd></>}
      {d.aperture !== null && <><dt>Aperture</dt><dd>f/{round(d.aperture, 1)}</dd></>}
      {d.exposure_time !== null && <><dt>Exposure</dt><dd>{exposureText(d.exposure_time)}</dd></>}
      {d.iso !== null && <><dt>ISO</dt><dd>{d.iso}</dd></>}
      {map && (
        <>
          <dt>Location</dt>
          <dd class="location">
            <span>{d.latitude}, {d.longitude}</span>{' '}
            <a href={map} rel="noopener noreferrer" target="_blank">Map<span class="visually-hidden"> (OpenStreetMap, opens in a new tab)</span></a>
          </dd>
        </>
      )}
    </>
  );
}
