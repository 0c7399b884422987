import { LocalTime } from '../web/format.tsx';
import type { PasskeyRow } from './passkeys.sql.ts';

/**
 * The account's passkeys, each removable, and (with JavaScript) a form to add one, which asks for
 * what a sign-in asks: the password, and a code when two-factor login is on (`askCode`).
 */
export function PasskeyList({ passkeys, askCode }: { passkeys: PasskeyRow[]; askCode: boolean }) {
  return (
    <>
      {passkeys.length ? (
        <ul class="passkeys">
          {passkeys.map((p) => (
            <li>
              <span><strong>{p.name}</strong> · added <LocalTime date={p.created_at} />
                {' · '}{p.last_used_at ? <>last used <LocalTime date={p.last_used_at} /></> : 'never used'}</span>
              <form method="post" action={`/settings/passkeys/${encodeURIComponent(p.id)}/delete`} class="inline">
                <button type="submit" class="danger">Remove<span class="visually-hidden"> {p.name}</span></button>
              </form>
            </li>
          ))}
        </ul>
      ) : <p>No passkeys yet.</p>}
      <form class="passkey-add" data-passkey-register hidden>
        <div class="field">
          <label for="passkey-name">Name of the new passkey</label>
          <input id="passkey-name" name="name" maxlength={60} required value="My passkey" />
        </div>
        <div class="field">
          <label for="passkey-password">Your password</label>
          <input id="passkey-password" name="password" type="password" autocomplete="current-password" required />
        </div>
        {askCode && (
          <div class="field">
            <label for="passkey-code">Code from your app</label>
            <input id="passkey-code" name="code" autocomplete="one-time-code" maxlength={20} required />
          </div>
        )}
        <button type="submit" class="secondary">Add a passkey</button>
        <p class="field-error" role="alert" data-passkey-error></p>
      </form>
      <noscript><p class="hint">Adding a passkey needs JavaScript.</p></noscript>
    </>
  );
}
