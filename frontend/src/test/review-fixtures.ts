import type { Schemas } from '@/lib/api/types';

type ReviewDetail = Schemas['ReviewDetail'];
type ReviewFlag = Schemas['ReviewFlag'];
type CoverageRow = Schemas['CoverageRow'];
type ReviewSignature = Schemas['ReviewSignature'];

export function makeFlag(overrides: Partial<ReviewFlag> = {}): ReviewFlag {
  return {
    id: 31,
    rule: 'OUTSIDE_HOURS',
    rule_display: 'Changes outside working hours',
    summary:
      'goa1-manager: 1 change(s) on Tue 2026-11-10 outside working hours (02:00 to 02:00 UTC)',
    actor_username: 'goa1-manager',
    occurred_at: '2026-11-10T02:00:00Z',
    event_ids: [501],
    event_count: 1,
    events: [
      {
        id: 501,
        at: '2026-11-10T02:00:00Z',
        actor_username: 'goa1-manager',
        action: 'crate.update',
        object_type: 'crate',
        object_id: '7',
        reason: '',
        ip_address: '10.0.0.5',
      },
    ],
    state: 'OPEN',
    state_display: 'Open',
    comment: '',
    decided_by_name: null,
    decided_at: null,
    version: 1,
    ...overrides,
  };
}

export function makeReviewSignature(overrides: Partial<ReviewSignature> = {}): ReviewSignature {
  return {
    id: 90,
    printed_name: 'Approver GOA1',
    signer: 1,
    meaning: 'REVIEWED',
    meaning_display: 'Audit trail reviewed',
    signed_at: '2026-12-06T09:30:00Z',
    reason: '',
    status: 'valid',
    ...overrides,
  };
}

export function makeReview(overrides: Partial<ReviewDetail> = {}): ReviewDetail {
  const flags = overrides.flags ?? [makeFlag()];
  return {
    id: 3,
    unit: 1,
    unit_code: 'GOA1',
    unit_name: 'Goa plant 1',
    period: '2026-11',
    period_start: '2026-11-01',
    period_end: '2026-11-30',
    status: 'OPEN',
    opened_by_name: 'Approver GOA1',
    opened_at: '2026-12-06T09:00:00Z',
    flags_computed_at: '2026-12-06T09:00:00Z',
    signed_by_name: null,
    signed_at: null,
    flag_count: flags.length,
    open_count: flags.filter((f) => f.state === 'OPEN').length,
    finding_count: flags.filter((f) => f.state === 'FINDING').length,
    version: 1,
    can_review: true,
    signatures: [],
    ...overrides,
    flags,
  };
}

export function makeCoverageRow(overrides: Partial<CoverageRow> = {}): CoverageRow {
  return {
    unit: 1,
    unit_code: 'GOA1',
    unit_name: 'Goa plant 1',
    period: '2026-11',
    period_start: '2026-11-01',
    period_end: '2026-11-30',
    due_on: '2026-12-15',
    status: 'DUE',
    review: null,
    flag_count: 0,
    finding_count: 0,
    open_count: 0,
    opened_by_name: '',
    signed_by_name: '',
    signed_at: null,
    signature: null,
    ...overrides,
  };
}
