import type { components } from '@/lib/api/schema';

export type SignatureStatus = components['schemas']['SignatureStatusEnum'];

const LABELS: Record<SignatureStatus, string> = {
  valid: 'Valid',
  superseded: 'Superseded by a later version',
  record_changed: 'Invalid — record changed outside an audited edit',
  not_bound: 'Invalid — not bound to this record',
  no_audit_event: 'Invalid — no audit event',
};

const EXPLANATIONS: Record<SignatureStatus, string> = {
  valid: 'The signature is bound to this record and the record is unchanged since it was signed.',
  superseded:
    'It signed an earlier version: the record was corrected afterwards through an audited edit, and later signatures sign the correction.',
  record_changed:
    'The record was changed after this signature without an audited edit: it no longer signs what is shown.',
  not_bound:
    'The signature was copied, re-pointed or altered: it does not belong to this record as it stands.',
  no_audit_event: 'No audit event records this signature being made.',
};

export function isSignatureStatus(value: unknown): value is SignatureStatus {
  return typeof value === 'string' && Object.hasOwn(LABELS, value);
}

/** What a status looks like: green when valid, grey when superseded, red when invalid. */
export type SignatureTone = 'valid' | 'superseded' | 'invalid';

export function signatureTone(status: SignatureStatus | undefined, valid: boolean): SignatureTone {
  if (status === undefined) {
    return valid ? 'valid' : 'invalid';
  }
  return status === 'valid' ? 'valid' : status === 'superseded' ? 'superseded' : 'invalid';
}

/**
 * The label of a signature's validity; without a status (an older server), valid or not. A
 * superseded signature names the version that superseded it when it is known.
 */
export function signatureValidityLabel(
  status: SignatureStatus | undefined,
  valid: boolean,
  supersededByVersion?: number | null,
): string {
  if (
    status === 'superseded' &&
    supersededByVersion !== undefined &&
    supersededByVersion !== null
  ) {
    return `Superseded by version ${String(supersededByVersion)}`;
  }
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
