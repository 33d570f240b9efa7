import type { Me, RequestDetail } from '@/lib/api/types';

export function makeMe(overrides: Partial<Me> = {}): Me {
  return {
    id: 1,
    username: 'goa1-approver',
    full_name: 'Approver GOA1',
    role: 'Approver',
    units: [{ id: 1, code: 'GOA1', name: 'Goa plant 1' }],
    all_units: false,
    permissions: ['workflow.view_request', 'workflow.approve_request'],
    must_change_password: false,
    password_expires_at: null,
    ...overrides,
  };
}

export function makeRequest(overrides: Partial<RequestDetail> = {}): RequestDetail {
  return {
    id: 7,
    number: 'REQ-2026-000007',
    type: 'WITHDRAWAL',
    status: 'SUBMITTED',
    version: 1,
    unit: 1,
    unit_code: 'GOA1',
    crate: 3,
    crate_code: 'GOA1-QA-2026-000003-5',
    requester: 2,
    requester_name: 'Document Manager GOA1',
    purpose: 'Audit',
    expected_return_on: '2026-12-01',
    target_location_code: null,
    overdue: false,
    submitted_at: '2026-11-23T03:00:00Z',
    created_at: '2026-11-23T03:00:00Z',
    updated_at: '2026-11-23T03:00:00Z',
    documents: [],
    crate_status: 'IN_STORAGE',
    signatures: [],
    send_backs: [],
    timeline: [],
    ...overrides,
  };
}
