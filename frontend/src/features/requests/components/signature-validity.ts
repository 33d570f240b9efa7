import type { components } from '@/lib/api/schema';

export type SignatureStatus = components['schemas']['SignatureStatusEnum'];

/** Help text under a status; its label comes from the server (status_display / status_label). */
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

/** What a status looks like: green when valid, grey when superseded, red when invalid. */
export type SignatureTone = 'valid' | 'superseded' | 'invalid';

export function signatureTone(status: SignatureStatus | undefined, valid: boolean): SignatureTone {
  if (status === undefined) {
    return valid ? 'valid' : 'invalid';
  }
  return status === 'valid' ? 'valid' : status === 'superseded' ? 'superseded' : 'invalid';
}

export function signatureValidityExplanation(
  status: SignatureStatus | undefined,
): string | undefined {
  return status === undefined ? undefined : EXPLANATIONS[status];
}
