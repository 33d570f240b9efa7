import type { Me, RequestDetail, RequestStatus, RequestType } from '@/lib/api/types';
import { PERMISSIONS, can } from '@/lib/auth/permissions';

import type { TransitionName } from '../api/transition-request';

export interface ActionSpec {
  action: TransitionName;
  label: string;
  /** What the signature means, shown in the dialog (the server records the same meaning). */
  meaning: string;
  reasonRequired: boolean;
  shelf: 'none' | 'required' | 'optional';
  witness: boolean;
  color: string;
  permission: string;
  from: readonly RequestStatus[];
  types?: readonly RequestType[];
  requester?: 'only' | 'never';
}

/**
 * The status machine of backend/strongroom/requests/transitions.py, from the caller's side.
 * Resubmitting a sent-back request is not among these dialogs: its requester has one action,
 * "Correct and resubmit" (the edit page, which also resubmits without a change).
 */
export const ACTIONS: readonly ActionSpec[] = [
  {
    action: 'approve',
    label: 'Approve',
    meaning: 'Approved',
    reasonRequired: false,
    shelf: 'none',
    witness: false,
    color: 'green',
    permission: PERMISSIONS.approveRequest,
    from: ['SUBMITTED'],
    requester: 'never',
  },
  {
    action: 'reject',
    label: 'Reject',
    meaning: 'Rejected',
    reasonRequired: true,
    shelf: 'none',
    witness: false,
    color: 'red',
    permission: PERMISSIONS.approveRequest,
    from: ['SUBMITTED'],
    requester: 'never',
  },
  {
    action: 'send-back',
    label: 'Send back',
    meaning: 'Sent back for correction',
    reasonRequired: true,
    shelf: 'none',
    witness: false,
    color: 'orange',
    permission: PERMISSIONS.approveRequest,
    from: ['SUBMITTED', 'APPROVED'],
    requester: 'never',
  },
  {
    action: 'cancel',
    label: 'Cancel request',
    meaning: 'Cancelled',
    reasonRequired: true,
    shelf: 'none',
    witness: false,
    color: 'gray',
    permission: PERMISSIONS.raiseRequest,
    from: ['SUBMITTED', 'SENT_BACK'],
    requester: 'only',
  },
  {
    action: 'allocate',
    label: 'Allocate shelf',
    meaning: 'Allocated',
    reasonRequired: false,
    shelf: 'required',
    witness: false,
    color: 'blue',
    permission: PERMISSIONS.fulfilRequest,
    from: ['APPROVED'],
    types: ['STORAGE'],
  },
  {
    action: 'issue',
    label: 'Issue',
    meaning: 'Issued',
    reasonRequired: false,
    shelf: 'none',
    witness: false,
    color: 'blue',
    permission: PERMISSIONS.fulfilRequest,
    from: ['APPROVED'],
    types: ['WITHDRAWAL'],
  },
  {
    action: 'receive',
    label: 'Receive return',
    meaning: 'Received',
    reasonRequired: false,
    shelf: 'optional',
    witness: false,
    color: 'blue',
    permission: PERMISSIONS.fulfilRequest,
    from: ['ISSUED'],
    types: ['WITHDRAWAL'],
  },
  {
    action: 'transfer',
    label: 'Transfer',
    meaning: 'Transferred',
    reasonRequired: false,
    shelf: 'none',
    witness: false,
    color: 'blue',
    permission: PERMISSIONS.fulfilRequest,
    from: ['APPROVED'],
    types: ['TRANSFER'],
  },
  {
    action: 'destroy',
    label: 'Destroy',
    meaning: 'Destroyed',
    reasonRequired: false,
    shelf: 'none',
    witness: true,
    color: 'red',
    permission: PERMISSIONS.fulfilRequest,
    from: ['APPROVED'],
    types: ['DESTRUCTION'],
  },
];

/** Exactly the actions this user's permissions and the request's status and type allow. */
export function availableActions(
  me: Pick<Me, 'id' | 'permissions'>,
  request: Pick<RequestDetail, 'status' | 'type' | 'requester'>,
): ActionSpec[] {
  const status = request.status ?? 'SUBMITTED';
  const mine = request.requester === me.id;
  return ACTIONS.filter(
    (spec) =>
      can(me, spec.permission) &&
      spec.from.includes(status) &&
      (spec.types === undefined || spec.types.includes(request.type)) &&
      !(spec.requester === 'only' && !mine) &&
      !(spec.requester === 'never' && mine),
  );
}
