import { Field, FormError, type FieldErrors } from '../web/forms.tsx';

export function SignupForm(props: { values?: { email?: string; username?: string; invite?: string }; errors?: FieldErrors }) {
  const e = props.errors ?? {};
  return (
    <section class="narrow">
      <h1>Create your account</h1>
      <FormError error={e.form} />
      <form method="post" action="/signup" novalidate>
        {props.values?.invite && <input type="hidden" name="invite" value={props.values.invite} />}
        <Field name="email" label="Email" type="email" autocomplete="email" value={props.values?.email} error={e.email} />
        <Field name="username" label="Username" autocomplete="username" value={props.values?.username} error={e.username}
          hint="3 to 32 letters, digits, _ or -" />
        <Field name="password" label="Password" type="password" autocomplete="new-password" error={e.password}
          hint="At least 8 characters" />
        <button type="submit">Sign up</button>
      </form>
      <p>Already have an account? <a href="/login">Log in</a></p>
    </section>
  );
}

/** The sign-up page when the instance lets nobody in now (closed, or by invitation without a working link). */
export function SignupClosed({ message }: { message: string }) {
  return (
    <section class="narrow">
      <h1>Create your account</h1>
      <p class="notice" role="status">{message}</p>
      <p>Already have an account? <a href="/login">Log in</a></p>
    </section>
  );
}

export function LoginForm(props: { login?: string; error?: string; next?: string }) {
  return (
    <section class="narrow">
      <h1>Log in</h1>
      <FormError error={props.error} />
      <form method="post" action="/login" novalidate>
        <Field name="username" label="Username or email" autocomplete="username" value={props.login} />
        <Field name="password" label="Password" type="password" autocomplete="current-password" />
        {props.next && <input type="hidden" name="next" value={props.next} />}
        <p class="forgot"><a href="/password/forgot">Forgot password?</a></p>
        <button type="submit">Log in</button>
      </form>
      <PasskeySignIn next={props.next} />
      <p>New here? <a href="/signup">Create an account</a></p>
    </section>
  );
}

/**
 * "Sign in with a passkey": hidden until static/passkeys.js finds WebAuthn in the browser, so
 * without JavaScript it is simply not offered.
 */
export function PasskeySignIn({ next, label = 'Sign in with a passkey' }: { next?: string; label?: string }) {
  return (
    <div class="passkey-sign-in" data-passkey-sign-in data-next={next} hidden>
      <p class="or"><span>or</span></p>
      <button type="button" class="secondary">{label}</button>
      <p class="field-error" role="alert" data-passkey-error></p>
    </div>
  );
}
