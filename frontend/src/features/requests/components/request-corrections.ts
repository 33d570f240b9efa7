import type { RequestDetail } from '@/lib/api/types';

import type { RequestCorrections } from '../api/edit-request';
import type { DocumentEditInput } from './storage-corrections';

/** What the edit form holds. `documentIds` empty means the whole crate (withdrawals). */
export interface CorrectionValues {
  purpose: string;
  expectedReturnOn: string | null;
  documentIds: number[];
  targetLocation: number | null;
  /** A storage request: its crate's rows, when they differ from what the crate holds. */
  documentRows?: DocumentEditInput[] | null;
}

export function correctionValuesOf(detail: RequestDetail): CorrectionValues {
  return {
    purpose: detail.purpose,
    expectedReturnOn: detail.expected_return_on ?? null,
    documentIds: detail.documents.map((doc) => doc.id).sort((a, b) => a - b),
    targetLocation: detail.target_location ?? null,
  };
}

/**
 * The PATCH body: only the fields the request's type allows and the requester changed, or
 * null when nothing changed (then only the resubmission is signed).
 */
export function correctionsOf(
  detail: RequestDetail,
  values: CorrectionValues,
): RequestCorrections | null {
  const before = correctionValuesOf(detail);
  const changes: RequestCorrections = {};
  if (values.purpose.trim() !== before.purpose) {
    changes.purpose = values.purpose.trim();
  }
  if (detail.type === 'WITHDRAWAL') {
    if (values.expectedReturnOn !== null && values.expectedReturnOn !== before.expectedReturnOn) {
      changes.expected_return_on = values.expectedReturnOn;
    }
    const ids = [...values.documentIds].sort((a, b) => a - b);
    if (ids.join(',') !== before.documentIds.join(',')) {
      changes.documents = ids;
    }
  }
  if (
    detail.type === 'TRANSFER' &&
    values.targetLocation !== null &&
    values.targetLocation !== before.targetLocation
  ) {
    changes.target_location = values.targetLocation;
  }
  if (
    detail.type === 'STORAGE' &&
    values.documentRows !== undefined &&
    values.documentRows !== null
  ) {
    changes.new_documents = values.documentRows;
  }
  return Object.keys(changes).length === 0 ? null : changes;
}

/**
 * Whether the caller may correct and resubmit the request: the API offers them "resubmit" (its
 * requester, while it is sent back).
 */
export function mayCorrect(request: Pick<RequestDetail, 'available_actions'>): boolean {
  return request.available_actions.some((action) => action.name === 'resubmit');
}
