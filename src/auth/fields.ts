import { z } from 'zod';

/** The form fields an account is made of, as every form that takes them checks them. */
export const emailField = z.string().trim().max(254, 'Email is too long').pipe(z.email('Enter a valid email address'));

export const usernameField = z.string().trim().regex(/^[A-Za-z0-9_-]{3,32}$/, 'Username must be 3 to 32 letters, digits, _ or -');

/** A password being chosen (`what`: "Password", "The new password"). */
export const newPasswordField = (what: string) =>
  z.string().min(8, `${what} must be at least 8 characters`).max(256, `${what} must be at most 256 characters`);

/** A password being checked: anything up to the longest one we accept. */
export const currentPasswordField = (message: string) => z.string({ error: message }).min(1, message).max(256);
