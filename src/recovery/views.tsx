import { Field, FormError, type FieldErrors } from '../web/forms.tsx';

export function ForgotForm(props: { email?: string; errors?: FieldErrors }) {
  const e = props.errors ?? {};
  return (
    <section class="narrow">
      <h1>Forgot your password?</h1>
      <p>Enter your account's email address. We will send you a link to choose a new password.</p>
      <FormError error={e.form} />
      <form method="post" action="/password/forgot" novalidate>
        <Field name="email" label="Email" type="email" autocomplete="email" value={props.email} error={e.email} />
        <button type="submit">Send the link</button>
      </form>
      <p><a href="/login">Back to log in</a></p>
    </section>
  );
}

/** The one answer to "Forgot password", whether or not an account uses the address. */
export function ForgotSent({ email }: { email: string }) {
  return (
    <section class="narrow">
      <h1>Check your inbox</h1>
      <p role="status">If an account uses <strong>{email}</strong>, a link to choose a new password is on its way. It works once, for one hour.</p>
      <p>Nothing arrived after a few minutes? Look in the spam folder, or <a href="/password/forgot">ask again</a>.</p>
      <p><a href="/login">Back to log in</a></p>
    </section>
  );
}

export function ResetForm(props: { token: string; username: string; errors?: FieldErrors }) {
  const e = props.errors ?? {};
  return (
    <section class="narrow">
      <h1>Choose a new password</h1>
      <p>For <strong>{props.username}</strong>. Every session of the account is signed out when you save it.</p>
      <FormError error={e.form} />
      <form method="post" action={`/password/reset/${props.token}`} novalidate>
        <input type="text" name="username" value={props.username} autocomplete="username" hidden />
        <Field name="password" label="New password" type="password" autocomplete="new-password" error={e.password}
          hint="At least 8 characters" />
        <button type="submit">Save the new password</button>
      </form>
    </section>
  );
}

/** A used, expired, replaced or unknown link: one page for all of them. */
export function LinkGone({ again }: { again: { href: string; label: string } }) {
  return (
    <section class="narrow">
      <h1>This link no longer works</h1>
      <p>Links in our mails work once and for a limited time, and only the newest one sent works.</p>
      <p><a class="button" href={again.href}>{again.label}</a></p>
    </section>
  );
}

export function VerifyForm({ token, email }: { token: string; email: string }) {
  return (
    <section class="narrow">
      <h1>Confirm your email address</h1>
      <p>Confirm that <strong>{email}</strong> is your account's address.</p>
      <form method="post" action={`/email/verify/${token}`}>
        <button type="submit">Confirm {email}</button>
      </form>
    </section>
  );
}
