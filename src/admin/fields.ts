import { z } from 'zod';

export const MB = 1024 * 1024;

/** Bytes as whole megabytes, as the forms show a quota. */
export const megabytes = (bytes: number) => Math.round(bytes / MB);

/** A form field holding a whole number of `unit` from `min` to `max`, or blank (null: the default). */
export function blankOrWhole(unit: string, min: number, max: number) {
  return z.string().trim()
    .refine((v) => /^\d{0,12}$/.test(v), `Enter a whole number of ${unit}`)
    .transform((v) => (v === '' ? null : Number(v)))
    .refine((n) => n === null || (n >= min && n <= max), `From ${min.toLocaleString('en')} to ${max.toLocaleString('en')} ${unit}`);
}
