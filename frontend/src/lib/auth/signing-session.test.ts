import { describe, expect, it } from 'vitest';

import { ApiError } from '@/lib/api-client';

import { isPasswordRefusal, signatureFieldErrors } from './signing-session';

function refusal(status: number, code: string, details: Record<string, unknown> = {}) {
  return new ApiError(status, code, { error: { code, message: code, details, request_id: 'r' } });
}

describe('isPasswordRefusal', () => {
  it('is true when the server says the password is wrong or refuses the signer', () => {
    expect(
      isPasswordRefusal(refusal(403, 'signature_invalid', { signature: { password: ['Wrong.'] } })),
    ).toBe(true);
    expect(isPasswordRefusal(refusal(403, 'account_locked'))).toBe(true);
  });

  it("is false for a refusal of the form's content, a conflict or a witness's password", () => {
    const rows = { new_documents: [{}, { number: ['Already exists.'] }] };
    expect(isPasswordRefusal(refusal(400, 'invalid_documents', rows))).toBe(false);
    expect(isPasswordRefusal(refusal(409, 'crate_has_open_request'))).toBe(false);
    expect(
      isPasswordRefusal(
        refusal(403, 'witness_signature_invalid', { witness: { password: ['Wrong password.'] } }),
      ),
    ).toBe(false);
    expect(isPasswordRefusal(new Error('network'))).toBe(false);
  });
});

describe('signatureFieldErrors', () => {
  it("puts the reason's and the shelf's messages on their fields", () => {
    expect(
      signatureFieldErrors(refusal(400, 'shelf_full', { shelf: ['Full.'], reason: ['Required.'] })),
    ).toEqual({ shelf: 'Full.', reason: 'Required.' });
  });
});
