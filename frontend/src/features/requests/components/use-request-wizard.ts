import { useState } from 'react';
import { useNavigate } from 'react-router';

import { fieldErrors } from '@/lib/api/field-errors';
import { useSignatureCredentials } from '@/lib/auth/signing-session';
import { useFocusFirstInvalid } from '@/lib/focus-invalid';
import { newIdempotencyKey } from '@/lib/idempotency';

import { useCreateRequest, type CreateRequestBody } from '../api/create-request';
import { stepOfServerError } from './wizard-errors';

/**
 * What every request form shares — the stepped wizards (withdrawal, transfer, destruction) and
 * the one-page storage form (one step): the step, the requester's signature, one
 * Idempotency-Key for the form (a retried submit reuses it), the server's field errors, and the
 * submit that creates the request, opens it on success and, on a refusal, goes back to the first
 * step showing a refused field (`stepFields[i]`: the request fields step `i` shows) and focuses
 * it. `wizardRef` goes on the element (`T`) holding the fields.
 */
export function useRequestWizard<T extends HTMLElement = HTMLDivElement>(
  stepFields: readonly (readonly string[])[],
) {
  const navigate = useNavigate();
  const [step, setStep] = useState(0);
  const credentials = useSignatureCredentials();
  const [attempted, setAttempted] = useState(false);
  const [idempotencyKey] = useState(newIdempotencyKey);
  const create = useCreateRequest();
  const serverErrors = fieldErrors(create.error);
  const { ref: wizardRef, refused: focusFirstInvalid } = useFocusFirstInvalid<T>();

  /**
   * Marks the wizard attempted; sends `body` (null: not complete yet) once it is signed.
   * `onRefused` sees a refusal first (a form keeping per-row messages files them).
   */
  const submit = (
    body: Omit<CreateRequestBody, 'signature'> | null,
    { onRefused }: { onRefused?: (error: Error) => void } = {},
  ) => {
    setAttempted(true);
    if (body === null || !credentials.complete) {
      return;
    }
    create.mutate(
      { idempotencyKey, body: { ...body, signature: credentials.signature() } },
      {
        onSuccess: (detail) => {
          void navigate(`/requests/${String(detail.id)}`);
        },
        onError: (error) => {
          credentials.onError(error);
          onRefused?.(error);
          const back = stepOfServerError(error, stepFields);
          if (back !== null) {
            setStep(back);
          }
          focusFirstInvalid();
        },
      },
    );
  };

  return {
    step,
    setStep,
    credentials,
    attempted,
    setAttempted,
    create,
    serverErrors,
    wizardRef,
    focusFirstInvalid,
    submit,
  };
}
