import type { Schemas } from '@/lib/api/types';

type BatchDetail = Schemas['BatchDetail'];
type BatchItem = Schemas['BatchItem'];
type BatchAction = Schemas['BatchAction'];

/** The actions as backend/strongroom/disposition/actions.py serves them. */
const SERVED: Record<string, Omit<BatchAction, 'name' | 'path'>> = {
  submit: {
    label: 'Submit for approval',
    meaning: 'SUBMITTED',
    meaning_label: 'Submitted',
    reason_required: false,
    witness: false,
    scan: false,
  },
  send_back: {
    label: 'Send back',
    meaning: 'SENT_BACK',
    meaning_label: 'Sent back',
    reason_required: true,
    witness: false,
    scan: false,
  },
  approve: {
    label: 'Approve',
    meaning: 'BATCH_APPROVED',
    meaning_label: 'Destruction batch approved',
    reason_required: false,
    witness: false,
    scan: false,
  },
  cancel: {
    label: 'Cancel batch',
    meaning: 'CANCELLED',
    meaning_label: 'Cancelled',
    reason_required: true,
    witness: false,
    scan: false,
  },
  complete: {
    label: 'Complete',
    meaning: 'BATCH_COMPLETED',
    meaning_label: 'Destruction batch completed',
    reason_required: false,
    witness: false,
    scan: false,
  },
  edit_items: {
    label: 'Add or remove crates',
    meaning: null,
    meaning_label: null,
    reason_required: false,
    witness: false,
    scan: false,
  },
  destroy_item: {
    label: 'Destroy crate',
    meaning: 'DESTROYED',
    meaning_label: 'Destroyed',
    reason_required: false,
    witness: true,
    scan: true,
  },
  mark_not_found: {
    label: 'Mark not found',
    meaning: null,
    meaning_label: null,
    reason_required: true,
    witness: false,
    scan: false,
  },
};

export function makeBatchActions(...names: string[]): BatchAction[] {
  return names.map((name) => {
    const served = SERVED[name];
    if (served === undefined) {
      throw new Error(`no such batch action: ${name}`);
    }
    return { ...served, name, path: name.replaceAll('_', '-') };
  });
}

export function makeBatchItem(overrides: Partial<BatchItem> = {}): BatchItem {
  return {
    id: 101,
    crate: 31,
    crate_code: 'GOA1-QA-2020-000031-4',
    crate_status: 'IN_STORAGE',
    department_code: 'QA',
    destroy_after: '2021-03-01',
    room_code: 'R01',
    rack_code: 'K01',
    shelf_code: 'S1',
    document_count: 3,
    state: 'PENDING',
    state_display: 'Pending',
    reason_code: '',
    reason: '',
    scanned_code: '',
    destroyed_at: null,
    destroyed_by: null,
    witness: null,
    resolved_at: null,
    resolved_by: null,
    ...overrides,
  };
}

export function makeBatch(overrides: Partial<BatchDetail> = {}): BatchDetail {
  const items = overrides.items ?? [makeBatchItem()];
  const count = (state: BatchItem['state']) => items.filter((i) => i.state === state).length;
  return {
    id: 5,
    number: 'DB-2026-0005',
    unit: 1,
    unit_code: 'GOA1',
    status: 'DRAFT',
    note: '',
    prepared_by: 2,
    prepared_by_name: 'Document Manager GOA1',
    approved_by: null,
    submitted_at: null,
    approved_at: null,
    started_at: null,
    completed_at: null,
    cancelled_at: null,
    cancel_reason: '',
    send_back_reason: '',
    version: 3,
    created_at: '2026-12-06T09:00:00Z',
    updated_at: '2026-12-06T09:00:00Z',
    item_count: items.length,
    pending_count: count('PENDING'),
    destroyed_count: count('DESTROYED'),
    not_found_count: count('NOT_FOUND'),
    dropped_count: count('DROPPED'),
    available_actions: [],
    approved_by_name: null,
    completed_by_name: null,
    signatures: [],
    ...overrides,
    items,
  };
}

/** A crate as GET /retention/eligible-crates/ lists it (tests only). */
export function makeEligibleCrate(
  id: number,
  overrides: Partial<Schemas['EligibleCrate']> = {},
): Schemas['EligibleCrate'] {
  return {
    id,
    code: `GOA1-QA-2020-0000${String(id)}-0`,
    unit: 1,
    unit_code: 'GOA1',
    department: 4,
    department_code: 'QA',
    location_code: `GOA1/R01/K01/S${String(id % 10)}`,
    destroy_after: '2021-01-31',
    document_count: 2,
    claimed_by: null,
    ...overrides,
  };
}
