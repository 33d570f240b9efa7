import { describe, expect, it } from 'vitest';

import { ApiError } from '@/lib/api-client';

import { fieldErrors, formErrorOf, rowFieldErrors } from './field-errors';

function envelope(details: Record<string, unknown>, message = 'The submitted data is not valid.') {
  return new ApiError(400, message, {
    error: { code: 'validation_error', message, details, request_id: 'r1' },
  });
}

describe('fieldErrors', () => {
  it('flattens the envelope details into one message per field', () => {
    const error = envelope({
      username: ['Already used.', 'Too short.'],
      units: ['Outside your units.'],
      witness: { password: ['Wrong password.'] },
    });
    expect(fieldErrors(error)).toEqual({
      username: 'Already used. Too short.',
      units: 'Outside your units.',
      'witness.password': 'Wrong password.',
    });
  });

  it('is empty for anything that is not an API error', () => {
    expect(fieldErrors(new Error('network'))).toEqual({});
    expect(fieldErrors(null)).toEqual({});
  });
});

describe('formErrorOf', () => {
  it("keeps the server's message and adds what belongs to no field of the form", () => {
    const error = envelope({
      code: ['2 to 10 letters or digits.'],
      non_field_errors: ['The fields unit, code must make a unique set.'],
      version: ['Current version is 4.'],
    });
    expect(formErrorOf(error, ['code', 'name'])).toBe(
      'The submitted data is not valid. The fields unit, code must make a unique set. version: Current version is 4.',
    );
  });

  it('is null without an error', () => {
    expect(formErrorOf(null, [])).toBeNull();
  });
});

describe('rowFieldErrors', () => {
  it('gives one item per row sent, each field with its messages', () => {
    const error = envelope({
      new_documents: [{}, { number: ['Already exists.'], retention_until: ['Required.', 'X.'] }],
    });
    expect(rowFieldErrors(error, 'new_documents')).toEqual([
      {},
      { number: 'Already exists.', retention_until: 'Required. X.' },
    ]);
  });

  it('is empty when the refusal names no row', () => {
    const error = envelope({ new_documents: { non_field_errors: ['At least one document.'] } });
    expect(rowFieldErrors(error, 'new_documents')).toEqual([]);
    expect(fieldErrors(error)['new_documents.non_field_errors']).toBe('At least one document.');
    expect(rowFieldErrors(new Error('network'), 'new_documents')).toEqual([]);
  });
});
