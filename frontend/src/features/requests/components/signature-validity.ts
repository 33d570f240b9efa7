import type { components } from '@/lib/api/schema';

export type SignatureStatus = components['schemas']['SignatureStatusEnum'];

const LABELS: Record<SignatureStatus, string> = {
  valid: 'Valid',
  record_changed: 'Invalid — record changed',
  not_bound: 'Invalid — not bound to this record',
  no_audit_event: 'Invalid — no audit event',
};

const EXPLANATIONS: Record<SignatureStatus, string> = {
  valid: 'The signature is bound to this record and the record is unchanged since it was signed.',
  record_changed: 'The record was changed after this signature: it no longer signs what is shown.',
  not_bound:
    'The signature was copied, re-pointed or altered: it does not belong to this record as it stands.',
  no_audit_event: 'No audit event records this signature being made.',
};

export function isSignatureStatus(value: unknown): value is SignatureStatus {
  return typeof value === 'string' && Object.hasOwn(LABELS, value);
}

/** The label of a signature's validity; without a status (an older server), valid or not. */
export function signatureValidityLabel(
  status: SignatureStatus | undefined,
  valid: boolean,
): string {
  if (status !== undefined) {
    return LABELS[status];
  }
  return valid ? LABELS.valid : 'Invalid';
}

export function signatureValidityExplanation(
  status: SignatureStatus | undefined,
): string | undefined {
  return status === undefined ? undefined : EXPLANATIONS[status];
}
