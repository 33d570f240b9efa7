import type { Document, Me, RequestDetail } from '@/lib/api/types';

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

export function makeDocument(overrides: Partial<Document> = {}): Document {
  return {
    id: 11,
    number: 'BMR-0001',
    title: 'Batch record 0001',
    doc_type: 1,
    doc_type_code: 'BMR',
    doc_type_name: 'Batch manufacturing record',
    department: 1,
    department_code: 'QA',
    prepared_on: '2020-01-15',
    retention_until: '2030-12-31',
    retain_permanently: false,
    status: 'ACTIVE',
    attachment_count: 0,
    crate: 3,
    crate_code: 'GOA1-QA-2026-000003-5',
    crate_status: 'IN_STORAGE',
    location_code: null,
    unit: 1,
    unit_code: 'GOA1',
    created_at: '2026-11-23T03:00:00Z',
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
