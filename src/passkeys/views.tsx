import { LocalTime } from '../web/format.tsx';
import type { PasskeyRow } from './passkeys.sql.ts';

/** The account's passkeys, each removable, and (with JavaScript) a form to add one. */
export function PasskeyList({ passkeys }: { passkeys: PasskeyRow[] }) {
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
        <button type="submit" class="secondary">Add a passkey</button>
        <p class="field-error" role="alert" data-passkey-error></p>
      </form>
      <noscript><p class="hint">Adding a passkey needs JavaScript.</p></noscript>
    </>
  );
}
