import type { Me } from '@/lib/api/types';
import { PERMISSIONS, can } from '@/lib/auth/permissions';

export interface NavItem {
  to: string;
  label: string;
  permission: string | null;
  end?: boolean;
}

/** Only screens that exist and that the role may use appear here. */
const NAV: NavItem[] = [
  { to: '/', label: 'Dashboard', permission: null, end: true },
  { to: '/requests', label: 'Requests', permission: PERMISSIONS.viewRequest },
  { to: '/requests/new/withdrawal', label: 'New withdrawal', permission: PERMISSIONS.raiseRequest },
  { to: '/requests/new/storage', label: 'New storage', permission: PERMISSIONS.raiseRequest },
  { to: '/requests/new/transfer', label: 'New transfer', permission: PERMISSIONS.raiseRequest },
  {
    to: '/requests/new/destruction',
    label: 'New destruction',
    permission: PERMISSIONS.raiseRequest,
  },
  { to: '/crates', label: 'Crates', permission: PERMISSIONS.viewCrate },
  {
    to: '/retention/forecast',
    label: 'Retention forecast',
    permission: PERMISSIONS.viewCrate,
  },
  {
    to: '/destruction-batches',
    label: 'Destruction batches',
    permission: PERMISSIONS.viewBatch,
  },
  { to: '/locations', label: 'Locations', permission: PERMISSIONS.viewLocation },
  { to: '/documents', label: 'Documents', permission: PERMISSIONS.viewDocument },
  { to: '/audit', label: 'Audit trail', permission: PERMISSIONS.viewAudit },
  { to: '/administration', label: 'Administration', permission: PERMISSIONS.viewUser },
  { to: '/system', label: 'System status', permission: null },
];

export function navItemsFor(me: Pick<Me, 'permissions'>): NavItem[] {
  return NAV.filter((item) => item.permission === null || can(me, item.permission));
}
