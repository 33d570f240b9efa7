import { ApiError } from '@/lib/api-client';

/**
 * The per-field messages of the backend's error envelope (`details`), flattened for forms:
 * `{"units": ["Outside your units."]}` → `{units: "Outside your units."}`, and nested objects
 * such as `{"witness": {"password": [...]}}` → `{"witness.password": "..."}`.
 * `non_field_errors` and `detail` stay under their own keys; read them with {@link formErrorOf}.
 */
export function fieldErrors(error: unknown): Record<string, string> {
  return error instanceof ApiError ? flatten(error.details) : {};
}

function flatten(details: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  const walk = (value: unknown, path: string): void => {
    if (typeof value === 'string') {
      result[path] = result[path] === undefined ? value : `${result[path]} ${value}`;
    } else if (Array.isArray(value)) {
      for (const item of value) {
        walk(item, path);
      }
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
        walk(inner, path === '' ? key : `${path}.${key}`);
      }
    }
  };
  walk(details, '');
  return result;
}

/**
 * The messages of a list of rows, aligned with the rows sent: `details[field]` is a list with
 * one item per row (`{}` for a good row), e.g. `{"new_documents": [{}, {"title": ["Required."]}]}`
 * → `[{}, {title: "Required."}]`. Empty when the refusal names no row; a message about the
 * list as a whole stays in {@link fieldErrors} (`"new_documents.non_field_errors"`).
 */
export function rowFieldErrors(error: unknown, field: string): Record<string, string>[] {
  if (!(error instanceof ApiError)) {
    return [];
  }
  const rows = error.details[field];
  return Array.isArray(rows) ? rows.map((row) => (Array.isArray(row) ? {} : flatten(row))) : [];
}

const FORM_LEVEL_KEYS = ['non_field_errors', 'detail', ''];

/**
 * What to show above a form for an error: the envelope's message, plus the messages that
 * belong to no field the form has (so nothing the server said is lost).
 */
export function formErrorOf(error: unknown, formFields: readonly string[]): string | null {
  if (error === null || error === undefined) {
    return null;
  }
  if (!(error instanceof Error)) {
    return 'Something went wrong.';
  }
  const fields = fieldErrors(error);
  const extra = Object.entries(fields)
    .filter(
      ([key]) => FORM_LEVEL_KEYS.includes(key) || !formFields.includes(key.split('.')[0] ?? ''),
    )
    .map(([key, message]) => (FORM_LEVEL_KEYS.includes(key) ? message : `${key}: ${message}`));
  return [error.message, ...extra].join(' ');
}
