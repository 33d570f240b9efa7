import type { Me } from '@/lib/api/types';
import { PERMISSIONS, can } from '@/lib/auth/permissions';

export interface NavItem {
  to: string;
  label: string;
  permission: string | null;
  end?: boolean;
  /** The heading the item is listed under (items of a group are adjacent). */
  group?: string;
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
  { to: '/locations', label: 'Locations', permission: PERMISSIONS.viewLocation },
  {
    to: '/inventory-audits',
    label: 'Inventory audits',
    permission: PERMISSIONS.viewInventoryAudit,
  },
  { to: '/documents', label: 'Documents', permission: PERMISSIONS.viewDocument },
  {
    to: '/retention/rules',
    label: 'Retention schedule',
    permission: PERMISSIONS.viewRetentionRule,
    group: 'Retention',
  },
  {
    to: '/retention/rules?status=DRAFT',
    label: 'Rules to approve',
    permission: PERMISSIONS.approveRetentionRule,
    group: 'Retention',
  },
  {
    to: '/retention/forecast',
    label: 'Retention forecast',
    permission: PERMISSIONS.viewCrate,
    group: 'Retention',
  },
  {
    to: '/destruction-batches',
    label: 'Destruction batches',
    permission: PERMISSIONS.viewBatch,
    group: 'Retention',
  },
  {
    to: '/retention/events/import',
    label: 'Event dates',
    permission: PERMISSIONS.recordEventDate,
    group: 'Retention',
  },
  { to: '/audit', label: 'Audit trail', permission: PERMISSIONS.viewAudit },
  { to: '/audit-reviews', label: 'Audit-trail reviews', permission: PERMISSIONS.viewAudit },
  { to: '/administration', label: 'Administration', permission: PERMISSIONS.viewUser },
  { to: '/system', label: 'System status', permission: null },
];

export function navItemsFor(me: Pick<Me, 'permissions'>): NavItem[] {
  return NAV.filter((item) => item.permission === null || can(me, item.permission));
}

/** ``pathname`` is ``to`` or a page below it (a whole path segment: "/audit" is not a prefix of
 * "/audit-reviews"). */
function underPath(pathname: string, to: string): boolean {
  return pathname === to || pathname.startsWith(to.endsWith('/') ? to : `${to}/`);
}

/** The one item to highlight on ``pathname``: of the items whose path it is or lies under, the
 * longest (on a wizard "New withdrawal" wins over "Requests"; on a review "Audit-trail reviews"
 * alone). A filtered list ("…?status=DRAFT") shares its path with the list: never highlighted. */
export function activeNavItem(items: NavItem[], pathname: string): NavItem | null {
  let best: NavItem | null = null;
  for (const item of items) {
    if (item.to.includes('?')) {
      continue;
    }
    const matches = item.end === true ? pathname === item.to : underPath(pathname, item.to);
    if (matches && (best === null || item.to.length > best.to.length)) {
      best = item;
    }
  }
  return best;
}
