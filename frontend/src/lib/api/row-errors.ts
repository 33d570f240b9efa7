import { ApiError } from '@/lib/api-client';

/** One row's messages, by field (`{title: "Required."}`). */
export type RowErrors = Record<string, string>;

function messagesOf(value: unknown): string | null {
  if (typeof value === 'string') {
    return value;
  }
  if (Array.isArray(value)) {
    const texts = value.filter((item): item is string => typeof item === 'string');
    return texts.length > 0 ? texts.join(' ') : null;
  }
  return null;
}

function rowOf(value: unknown): RowErrors {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return {};
  }
  const row: RowErrors = {};
  for (const [field, messages] of Object.entries(value as Record<string, unknown>)) {
    const text = messagesOf(messages);
    if (text !== null) {
      row[field] = text;
    }
  }
  return row;
}

/**
 * The per-row, per-field messages of a refusal of a list of rows, aligned with the rows sent:
 * `details[key]` is a list aligned with the rows (`[{}, {"title": ["Required."]}]`, the shape
 * DRF and the correction of a storage request's rows use) or an object keyed by the row's
 * 0-based index. `rows` is how many rows were sent. A message for the list as a whole (a list of
 * strings, or `non_field_errors`) is in `list`.
 */
export function rowErrorsOf(
  error: unknown,
  key: string,
  rows: number,
): { rows: RowErrors[]; list: string | null } {
  const empty = Array.from({ length: rows }, (): RowErrors => ({}));
  if (!(error instanceof ApiError)) {
    return { rows: empty, list: null };
  }
  const value = error.details[key];
  if (Array.isArray(value)) {
    if (value.every((item) => typeof item === 'string')) {
      return { rows: empty, list: messagesOf(value) };
    }
    return { rows: empty.map((_, index) => rowOf(value[index])), list: null };
  }
  if (typeof value === 'object' && value !== null) {
    const byIndex = value as Record<string, unknown>;
    return {
      rows: empty.map((_, index) => rowOf(byIndex[String(index)])),
      list: messagesOf(byIndex.non_field_errors),
    };
  }
  return { rows: empty, list: null };
}
