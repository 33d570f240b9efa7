import { describe, expect, it } from 'vitest';

import { auditQuery } from '../api/audit-query';
import { auditFiltersFromParams, changeRows, paramsFromAuditFilters } from './audit-filters';

describe('audit filters', () => {
  it('round-trip through the address bar and drop what is malformed', () => {
    const params = new URLSearchParams(
      'actor=sysadmin&action=user.&object_type=user&object_id=7&unit=2&from=2026-11-01&to=nope',
    );
    const filters = auditFiltersFromParams(params);
    expect(filters).toEqual({
      actor: 'sysadmin',
      action: 'user.',
      objectType: 'user',
      objectId: '7',
      unit: 2,
      from: '2026-11-01',
    });
    expect(paramsFromAuditFilters(filters).toString()).toBe(
      'actor=sysadmin&action=user.&object_type=user&object_id=7&from=2026-11-01&unit=2',
    );
  });

  it('become the API query, with whole days in the browser zone', () => {
    const query = auditQuery({ actor: ' sysadmin ', from: '2026-11-01', to: '2026-11-02' });
    expect(query.actor_username).toBe('sysadmin');
    expect(new Date(query.at_after ?? '').getTime()).toBe(new Date(2026, 10, 1).getTime());
    expect(new Date(query.at_before ?? '').getTime()).toBe(
      new Date(2026, 10, 2, 23, 59, 59, 999).getTime(),
    );
    expect(auditQuery({})).toEqual({});
  });

  it('show changes as before/after rows', () => {
    expect(changeRows({ role: ['Viewer', 'Approver'], units: [null, ['GOA1']] })).toEqual([
      { field: 'role', before: 'Viewer', after: 'Approver' },
      { field: 'units', before: '—', after: '["GOA1"]' },
    ]);
    expect(changeRows(null)).toEqual([]);
  });
});
