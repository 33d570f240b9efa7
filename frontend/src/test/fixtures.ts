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
    two_factor_enabled: false,
    two_factor_required: false,
    auth_source: 'local',
    signing_method: 'password',
    signing_password_set: false,
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
    retention_basis: 'MANUAL',
    retention_rule: null,
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

type AvailableAction = RequestDetail['available_actions'][number];

/** Actions as GET /api/v1/requests/{id}/ serves them in `available_actions`. */
type ServedAction = Pick<AvailableAction, 'label' | 'meaning' | 'meaning_label'> &
  Partial<Pick<AvailableAction, 'reason_required' | 'shelf' | 'witness'>>;

const SERVED_ACTIONS: Record<string, ServedAction> = {
  approve: { label: 'Approve', meaning: 'APPROVED', meaning_label: 'Approved' },
  reject: {
    label: 'Reject',
    meaning: 'REJECTED',
    meaning_label: 'Rejected',
    reason_required: true,
  },
  send_back: {
    label: 'Send back',
    meaning: 'SENT_BACK',
    meaning_label: 'Sent back',
    reason_required: true,
  },
  resubmit: {
    label: 'Resubmit',
    meaning: 'RESUBMITTED',
    meaning_label: 'Resubmitted',
    reason_required: true,
  },
  cancel: {
    label: 'Cancel request',
    meaning: 'CANCELLED',
    meaning_label: 'Cancelled',
    reason_required: true,
  },
  allocate: {
    label: 'Allocate shelf',
    meaning: 'ALLOCATED',
    meaning_label: 'Allocated',
    shelf: 'required',
  },
  issue: { label: 'Issue', meaning: 'ISSUED', meaning_label: 'Issued' },
  receive: {
    label: 'Receive return',
    meaning: 'RECEIVED',
    meaning_label: 'Received',
    shelf: 'optional',
  },
  transfer: { label: 'Transfer', meaning: 'TRANSFERRED', meaning_label: 'Transferred' },
  destroy: { label: 'Destroy', meaning: 'DESTROYED', meaning_label: 'Destroyed', witness: true },
};

export function makeActions(...names: string[]): AvailableAction[] {
  return names.map((name): AvailableAction => {
    const served = SERVED_ACTIONS[name];
    if (served === undefined) {
      throw new Error(`no such action: ${name}`);
    }
    return {
      reason_required: false,
      shelf: 'none',
      witness: false,
      ...served,
      name,
      path: name.replace('_', '-'),
    };
  });
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
    available_actions: [],
    ...overrides,
  };
}
