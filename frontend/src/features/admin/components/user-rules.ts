import type { Me } from '@/lib/api/types';
import { PERMISSIONS, can } from '@/lib/auth/permissions';

import type { Role } from '../api/get-roles';
import type { User } from '../api/get-users';
import type { UserAction } from '../api/save-user';

/** A role that acts in every unit needs no unit list (System Administrator). */
export function roleActsInAllUnits(role: Pick<Role, 'permissions'> | undefined): boolean {
  return role?.permissions.includes(PERMISSIONS.accessAllUnits) ?? false;
}

/**
 * Permissions that reach beyond the caller's own units (the backend's roles.BEYOND_UNITS): a
 * role carrying any of them is granted only by someone who holds every one it carries.
 */
const BEYOND_UNITS: ReadonlySet<string> = new Set([
  'accounts.access_all_units',
  'accounts.add_unit',
  'accounts.change_unit',
  'compliance.verify_audit_chain',
  'compliance.view_auditcheckpoint',
  ...['view', 'change'].flatMap((action) =>
    ['periodictask', 'crontabschedule', 'intervalschedule'].map(
      (model) => `django_celery_beat.${action}_${model}`,
    ),
  ),
]);

/**
 * Roles the caller may grant, told by permissions, never by names: a role whose permissions
 * beyond one's own units are all the caller's too (a unit administrator never grants a role that
 * acts in every unit).
 */
export function grantableRoles(me: Pick<Me, 'permissions'>, roles: readonly Role[]): Role[] {
  if (!can(me, PERMISSIONS.manageUsers)) {
    return [];
  }
  return roles.filter((role) =>
    role.permissions.every((permission) => !BEYOND_UNITS.has(permission) || can(me, permission)),
  );
}

/** Units the caller may assign: every unit when they act in all, else their own. */
export function assignableUnits(
  me: Pick<Me, 'permissions' | 'units'>,
  allUnits: readonly { id: number; code: string }[],
): { id: number; code: string }[] {
  return can(me, PERMISSIONS.accessAllUnits)
    ? allUnits.map((unit) => ({ id: unit.id, code: unit.code }))
    : me.units.map((unit) => ({ id: unit.id, code: unit.code }));
}

/**
 * May the caller change this user at all? Their role is within what the caller may grant, and
 * every unit of theirs is one of the caller's (unless the caller acts in every unit): acting on
 * someone who is also in another unit would act in that unit too.
 */
export function mayManage(
  me: Pick<Me, 'permissions' | 'units'>,
  user: Pick<User, 'role' | 'units'>,
  roles: readonly Role[],
): boolean {
  if (!grantableRoles(me, roles).some((role) => role.name === user.role)) {
    return false;
  }
  if (can(me, PERMISSIONS.accessAllUnits)) {
    return true;
  }
  const own = new Set(me.units.map((unit) => unit.id));
  return (user.units ?? []).every((id) => own.has(id));
}

/** The actions offered for one user, in menu order. */
export function userActionsFor(
  me: Pick<Me, 'id' | 'permissions' | 'units'>,
  user: Pick<User, 'id' | 'role' | 'units' | 'is_active' | 'locked_out' | 'two_factor_enabled'> & {
    auth_source?: string;
  },
  roles: readonly Role[],
): UserAction[] {
  if (!mayManage(me, user, roles)) {
    return [];
  }
  // A directory account's password is the directory's: nothing to reset here.
  const actions: UserAction[] = user.auth_source === 'ldap' ? [] : ['reset-password'];
  if (user.locked_out) {
    actions.push('unlock');
  }
  // A lost authenticator: System Administrators only (the server refuses anyone else).
  if (user.two_factor_enabled && can(me, PERMISSIONS.accessAllUnits)) {
    actions.push('reset-two-factor');
  }
  if (user.id !== me.id) {
    actions.push(user.is_active ? 'deactivate' : 'activate');
  }
  return actions;
}

export const ACTION_TEXT: Record<
  UserAction,
  { label: string; title: string; explain: string; color: string }
> = {
  'reset-password': {
    label: 'Reset password',
    title: 'Reset the password',
    explain:
      'A new one-time password replaces the current one; every session of this user ends, and they must change it at their next sign-in.',
    color: 'orange',
  },
  'reset-two-factor': {
    label: 'Reset two-factor',
    title: 'Reset two-factor sign-in',
    explain:
      'Removes the authenticator and the recovery codes of this user (a lost phone); every session of this user ends. At the next sign-in they enrol a new authenticator if their role requires one.',
    color: 'orange',
  },
  unlock: {
    label: 'Unlock',
    title: 'Unlock the account',
    explain: 'Clears the failed sign-in attempts that locked this account.',
    color: 'blue',
  },
  deactivate: {
    label: 'Deactivate',
    title: 'Deactivate the user',
    explain:
      'The user can no longer sign in; every open session ends at once. Users are never deleted, and can be reactivated.',
    color: 'red',
  },
  activate: {
    label: 'Reactivate',
    title: 'Reactivate the user',
    explain: 'The user may sign in again with their password.',
    color: 'green',
  },
};
