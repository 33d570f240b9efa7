import { fieldErrors } from '@/lib/api/field-errors';

/**
 * The first step of a creation wizard that shows a field the server refused (`fieldsByStep[i]`:
 * the request fields step `i` shows), so the wizard goes back to it and the message stands on
 * its field; null when the refusal names none of them (the signing step's alert says it all).
 */
export function stepOfServerError(
  error: unknown,
  fieldsByStep: readonly (readonly string[])[],
): number | null {
  const refused = Object.keys(fieldErrors(error)).map((key) => key.split('.')[0]);
  const step = fieldsByStep.findIndex((fields) => fields.some((f) => refused.includes(f)));
  return step === -1 ? null : step;
}
