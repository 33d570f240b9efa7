import { describe, expect, it } from 'vitest';

import { makeMe } from '@/test/fixtures';

import type { Role } from '../api/get-roles';
import {
  assignableUnits,
  grantableRoles,
  mayManage,
  roleActsInAllUnits,
  userActionsFor,
} from './user-rules';

const ROLES: Role[] = [
  { id: 1, name: 'System Administrator', permissions: ['accounts.access_all_units'] },
  { id: 2, name: 'Unit Admin', permissions: ['accounts.change_user'] },
  { id: 3, name: 'Viewer', permissions: ['workflow.view_request'] },
];
const sysadmin = makeMe({
  id: 1,
  permissions: ['accounts.change_user', 'accounts.access_all_units'],
  units: [],
  all_units: true,
});
const unitAdmin = makeMe({ id: 2, permissions: ['accounts.change_user'] });

describe('what an administrator may grant', () => {
  it('a System Administrator grants any role; a Unit Admin never one acting in all units', () => {
    expect(grantableRoles(sysadmin, ROLES).map((role) => role.name)).toHaveLength(3);
    expect(grantableRoles(unitAdmin, ROLES).map((role) => role.name)).toEqual([
      'Unit Admin',
      'Viewer',
    ]);
    expect(grantableRoles(makeMe({ permissions: [] }), ROLES)).toEqual([]);
    expect(roleActsInAllUnits(ROLES[0])).toBe(true);
  });

  it('tells grantable roles by their permissions, whatever their names', () => {
    const renamed: Role[] = [
      { id: 4, name: 'Plant Manager', permissions: ['accounts.change_unit'] },
      { id: 5, name: 'Site Auditor', permissions: ['workflow.view_request'] },
    ];
    expect(grantableRoles(unitAdmin, renamed).map((role) => role.name)).toEqual(['Site Auditor']);
    expect(grantableRoles(sysadmin, renamed)).toHaveLength(1);
    const withUnits = makeMe({ permissions: ['accounts.change_user', 'accounts.change_unit'] });
    expect(grantableRoles(withUnits, renamed)).toHaveLength(2);
  });

  it('assigns every unit or only the own ones', () => {
    const all = [
      { id: 1, code: 'GOA1' },
      { id: 2, code: 'MUM1' },
    ];
    expect(assignableUnits(sysadmin, all)).toEqual(all);
    expect(assignableUnits(unitAdmin, all)).toEqual([{ id: 1, code: 'GOA1' }]);
  });
});

describe('actions on a user', () => {
  const viewer = {
    id: 9,
    role: 'Viewer',
    units: [1],
    is_active: true,
    locked_out: false,
    two_factor_enabled: false,
  };

  it('offers the reset of two-factor sign-in to a System Administrator only, when it is on', () => {
    const enrolled = { ...viewer, two_factor_enabled: true };
    expect(userActionsFor(sysadmin, enrolled, ROLES)).toContain('reset-two-factor');
    expect(userActionsFor(sysadmin, viewer, ROLES)).not.toContain('reset-two-factor');
    expect(userActionsFor(unitAdmin, enrolled, ROLES)).not.toContain('reset-two-factor');
  });

  it('offers unlock only when locked, and never deactivates oneself', () => {
    expect(userActionsFor(unitAdmin, viewer, ROLES)).toEqual(['reset-password', 'deactivate']);
    expect(
      userActionsFor(unitAdmin, { ...viewer, locked_out: true, is_active: false }, ROLES),
    ).toEqual(['reset-password', 'unlock', 'activate']);
    expect(userActionsFor(unitAdmin, { ...viewer, id: 2, role: 'Unit Admin' }, ROLES)).toEqual([
      'reset-password',
    ]);
  });

  it('offers no password reset for a directory account (the directory holds its password)', () => {
    expect(userActionsFor(unitAdmin, { ...viewer, auth_source: 'ldap' }, ROLES)).toEqual([
      'deactivate',
    ]);
  });

  it('offers nothing on a user whose role is above what the caller may grant', () => {
    expect(userActionsFor(unitAdmin, { ...viewer, role: 'System Administrator' }, ROLES)).toEqual(
      [],
    );
  });

  it('offers nothing on a user who is also in a unit the caller does not administer', () => {
    const twoUnits = { ...viewer, units: [1, 2] };
    expect(mayManage(unitAdmin, twoUnits, ROLES)).toBe(false);
    expect(userActionsFor(unitAdmin, twoUnits, ROLES)).toEqual([]);
    const bothAdmin = makeMe({
      id: 3,
      permissions: ['accounts.change_user'],
      units: [
        { id: 1, code: 'GOA1', name: 'Goa' },
        { id: 2, code: 'MUM1', name: 'Mumbai' },
      ],
    });
    expect(mayManage(bothAdmin, twoUnits, ROLES)).toBe(true);
    expect(mayManage(sysadmin, twoUnits, ROLES)).toBe(true);
  });
});
