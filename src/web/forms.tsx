import type { Context } from 'hono';
import { z } from 'zod';

/** A message per form field (and `form` for the form as a whole). */
export type FieldErrors = Partial<Record<string, string>>;

/** What a validator hook is given (zod's result through @hono/zod-validator). */
export type Validated = { success: boolean; data: unknown; error?: { issues: { path: PropertyKey[]; message: string }[] } };

/**
 * A validator hook that shows the refused form again: `render` gets a message per field and the
 * values that were sent (a 422, by the form's own page).
 */
export function showAgain<V>(render: (c: Context, failed: { errors: FieldErrors; values: V }) => Promise<Response>) {
  return (r: Validated, c: Context) => {
    if (!r.success) return render(c, { errors: fieldErrors(r.error!), values: r.data as V });
  };
}

/** The first message of each field of a failed zod parse. */
export function fieldErrors(error: NonNullable<Validated['error']>): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) out[String(issue.path[0] ?? 'form')] ??= issue.message;
  return out;
}

type FieldProps = {
  name: string;
  label: string;
  /** Unique on the page; defaults to `f-<name>`. */
  id?: string;
  type?: string;
  value?: string;
  error?: string;
  autocomplete?: string;
  hint?: string;
  required?: boolean;
  maxlength?: number;
  placeholder?: string;
};

/** A labelled input with its hint and, after a failed submit, its message beside it. */
export function Field(props: FieldProps) {
  const id = props.id ?? `f-${props.name}`;
  const described = [props.hint && `${id}-hint`, props.error && `${id}-error`].filter(Boolean).join(' ') || undefined;
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      {props.hint && <small id={`${id}-hint`}>{props.hint}</small>}
      <input
        id={id}
        name={props.name}
        type={props.type ?? 'text'}
        value={props.type === 'password' ? undefined : (props.value ?? '')}
        autocomplete={props.autocomplete}
        required={props.required ?? true}
        maxlength={props.maxlength}
        placeholder={props.placeholder}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={described}
      />
      <FieldError id={id} error={props.error} />
    </div>
  );
}

/** The message beside a field (`<id>-error`, which the field names in aria-describedby). */
export function FieldError({ id, error }: { id: string; error?: string }) {
  return error ? <p class="field-error" id={`${id}-error`}>{error}</p> : <></>;
}

/** A message about the whole form, above it. */
export function FormError({ error }: { error?: string }) {
  return error ? <p class="form-error" role="alert">{error}</p> : <></>;
}

/** `ids` as a form sends them (one value or many): the images a form acts on, 1 to 500. */
export const idsField = z.union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v : [v]))
  .pipe(z.array(z.string().max(64)).min(1, 'Select at least one image').max(500));
