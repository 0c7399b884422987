import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import sharp from 'sharp';
import { readPhotoDetails } from './exif.ts';
import { jpeg, jpegWithExif } from '../test-support/fixtures.ts';

/** The details of a JPEG written with `tags` (exiftool arguments). */
async function detailsOf(tags?: string[]) {
  return readPhotoDetails((await sharp(await jpegWithExif(64, 48, tags)).metadata()).exif);
}

describe('readPhotoDetails', () => {
  test('reads when, with what and where a phone took the photo', async () => {
    assert.deepEqual(await detailsOf(), {
      // 14:30:15 at +02:00 is 12:30:15 UTC.
      taken_at: new Date('2024-06-01T12:30:15Z'),
      taken_offset: '+02:00',
      camera_make: 'Apple',
      camera_model: 'iPhone 15 Pro',
      lens: 'iPhone 15 Pro back triple camera 6.86mm f/1.78',
      focal_length: 6.86,
      aperture: 1.78,
      exposure_time: 0.004,
      iso: 80,
      latitude: 48.8584,
      longitude: 2.2945,
    });
  });

  test('south and west are negative; a time without an offset is the camera clock, read as UTC', async () => {
    const d = await detailsOf(['-DateTimeOriginal=2019:12:31 23:59:59', '-GPSLatitude=33.8568', '-GPSLatitudeRef=S',
      '-GPSLongitude=151.2153', '-GPSLongitudeRef=W']);
    assert.deepEqual([d.taken_at, d.taken_offset, d.latitude, d.longitude], [new Date('2019-12-31T23:59:59Z'), null, -33.8568, -151.2153]);
  });

  test('half a position is no position; a missing EXIF block or a broken one gives nothing, never an error', async () => {
    const half = await detailsOf(['-GPSLatitude=10', '-GPSLatitudeRef=N', '-Make=Cam']);
    assert.deepEqual([half.latitude, half.longitude, half.camera_make], [null, null, 'Cam']);
    const none = readPhotoDetails((await sharp(await jpeg(32, 24)).metadata()).exif);
    assert.ok(Object.values(none).every((v) => v === null));
    for (const broken of [Buffer.from('Exif\0\0MM\0*garbage'), Buffer.alloc(3), Buffer.from('not exif at all')]) {
      assert.ok(Object.values(readPhotoDetails(broken)).every((v) => v === null));
    }
  });

  test('text is printable and bounded; impossible numbers and dates are dropped', async () => {
    const d = await detailsOf([`-Model=${'M'.repeat(300)}`, '-Make=Odd\tName', '-FNumber=0', '-ISO=0', '-DateTimeOriginal=1700:01:01 00:00:00',
      '-OffsetTimeOriginal=+99:00']);
    assert.equal(d.camera_model, 'M'.repeat(100));
    assert.equal(d.camera_make, 'OddName');
    assert.deepEqual([d.aperture, d.iso, d.taken_at], [null, null, null]);
    const badOffset = await detailsOf(['-DateTimeOriginal=2020:05:05 10:00:00', '-OffsetTimeOriginal=+99:00']);
    assert.deepEqual([badOffset.taken_at, badOffset.taken_offset], [new Date('2020-05-05T10:00:00Z'), null]);
  });
});
