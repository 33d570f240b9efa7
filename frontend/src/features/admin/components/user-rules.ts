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
 * Roles the caller may grant (the backend's GRANTABLE_ROLES, told by permissions, never by
 * names): someone who acts in every unit grants any role; a unit administrator never grants
 * a role that acts in every unit.
 */
export function grantableRoles(me: Pick<Me, 'permissions'>, roles: readonly Role[]): Role[] {
  if (!can(me, PERMISSIONS.manageUsers)) {
    return [];
  }
  return can(me, PERMISSIONS.accessAllUnits)
    ? [...roles]
    : roles.filter((role) => !roleActsInAllUnits(role));
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

/** May the caller change this user at all (role within what they may grant)? */
export function mayManage(
  me: Pick<Me, 'permissions'>,
  user: Pick<User, 'role'>,
  roles: readonly Role[],
): boolean {
  return grantableRoles(me, roles).some((role) => role.name === user.role);
}

/** The actions offered for one user, in menu order. */
export function userActionsFor(
  me: Pick<Me, 'id' | 'permissions'>,
  user: Pick<User, 'id' | 'role' | 'is_active' | 'locked_out'>,
  roles: readonly Role[],
): UserAction[] {
  if (!mayManage(me, user, roles)) {
    return [];
  }
  const actions: UserAction[] = ['reset-password'];
  if (user.locked_out) {
    actions.push('unlock');
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
