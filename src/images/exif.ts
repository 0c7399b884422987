import readExif from 'exif-reader';

/** What the camera recorded that the owner's page shows (sql/0012); null where it recorded nothing usable. */
export type PhotoDetails = {
  taken_at: Date | null;
  /** `+02:00`: the offset from UTC the camera wrote with the time; null, and `taken_at` is its clock read as UTC. */
  taken_offset: string | null;
  camera_make: string | null;
  camera_model: string | null;
  lens: string | null;
  /** Millimetres. */
  focal_length: number | null;
  /** The f-number. */
  aperture: number | null;
  /** Seconds. */
  exposure_time: number | null;
  iso: number | null;
  latitude: number | null;
  longitude: number | null;
};

export const PHOTO_DETAIL_COLUMNS = ['taken_at', 'taken_offset', 'camera_make', 'camera_model', 'lens', 'focal_length', 'aperture',
  'exposure_time', 'iso', 'latitude', 'longitude'] as const satisfies readonly (keyof PhotoDetails)[];

const NONE: PhotoDetails = Object.fromEntries(PHOTO_DETAIL_COLUMNS.map((c) => [c, null])) as PhotoDetails;

/** Printable text, at most 100 characters (EXIF strings can hold NUL, which PostgreSQL text cannot). */
function text(v: unknown) {
  return typeof v === 'string' ? v.replace(/[\p{Cc}\p{Cf}]/gu, '').trim().slice(0, 100) || null : null;
}

/** A finite number in (0, max). */
function positive(v: unknown, max: number) {
  const n = Array.isArray(v) ? v[0] : v;
  return typeof n === 'number' && Number.isFinite(n) && n > 0 && n < max ? n : null;
}

/** Degrees from EXIF's [degrees, minutes, seconds] and its N/S or E/W reference. */
function degrees(dms: unknown, ref: unknown, max: number) {
  if (!Array.isArray(dms) || dms.length !== 3 || !dms.every((x) => typeof x === 'number' && Number.isFinite(x) && x >= 0)) return null;
  const value = dms[0] + dms[1] / 60 + dms[2] / 3600;
  if (value > max) return null;
  return Math.round((ref === 'S' || ref === 'W' ? -value : value) * 1e6) / 1e6;
}

/** Minutes east of UTC in an EXIF offset (`+02:00` is 120), or null when it is not one. */
export function offsetMinutes(offset: string | null) {
  const m = offset?.match(/^([+-])(\d\d):(\d\d)$/);
  if (!m || Number(m[2]) > 14 || Number(m[3]) > 59) return null;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

/** When it was taken: exif-reader reads the camera's clock as UTC; the recorded offset makes it an instant. */
function taken(photo: Record<string, unknown>) {
  const clock = photo.DateTimeOriginal ?? photo.DateTimeDigitized;
  if (!(clock instanceof Date) || Number.isNaN(clock.getTime())) return { taken_at: null, taken_offset: null };
  const year = clock.getUTCFullYear();
  if (year < 1826 || year > 2200) return { taken_at: null, taken_offset: null };
  const offset = text(photo.OffsetTimeOriginal ?? photo.OffsetTimeDigitized);
  const minutes = offsetMinutes(offset);
  if (minutes === null) return { taken_at: clock, taken_offset: null };
  return { taken_at: new Date(clock.getTime() - minutes * 60_000), taken_offset: offset };
}

/** The details that matter of an image's EXIF block (from sharp's metadata); nothing when it is absent or unreadable. */
export function readPhotoDetails(exif: Buffer | undefined): PhotoDetails {
  if (!exif) return NONE;
  let tags: ReturnType<typeof readExif>;
  try {
    tags = readExif(exif);
  } catch {
    return NONE;
  }
  const [image, photo, gps] = [tags.Image ?? {}, (tags.Photo ?? {}) as Record<string, unknown>, tags.GPSInfo ?? {}];
  const latitude = degrees(gps.GPSLatitude, gps.GPSLatitudeRef, 90);
  const longitude = degrees(gps.GPSLongitude, gps.GPSLongitudeRef, 180);
  const iso = positive(photo.ISOSpeedRatings ?? photo.PhotographicSensitivity, 10_000_000);
  return {
    ...taken(photo),
    camera_make: text(image.Make),
    camera_model: text(image.Model),
    lens: text(photo.LensModel),
    focal_length: positive(photo.FocalLength, 100_000),
    aperture: positive(photo.FNumber, 1_000),
    exposure_time: positive(photo.ExposureTime, 100_000),
    iso: iso && Math.round(iso),
    // Both or neither: half a position is no position.
    latitude: latitude !== null && longitude !== null ? latitude : null,
    longitude: latitude !== null && longitude !== null ? longitude : null,
  };
}
