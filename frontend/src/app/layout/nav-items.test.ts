import { describe, expect, it } from 'vitest';

import { PERMISSIONS } from '@/lib/auth/permissions';
import { makeMe } from '@/test/fixtures';

import { activeNavItem, navItemsFor } from './nav-items';

const everything = navItemsFor(makeMe({ permissions: Object.values(PERMISSIONS) }));

function highlighted(pathname: string): string | null {
  return activeNavItem(everything, pathname)?.label ?? null;
}

describe('the highlighted navigation item', () => {
  it('is only "Audit-trail reviews" on a review, and only "Audit trail" on the trail', () => {
    expect(highlighted('/audit-reviews/12')).toBe('Audit-trail reviews');
    expect(highlighted('/audit-reviews')).toBe('Audit-trail reviews');
    expect(highlighted('/audit-reviews/coverage')).toBe('Audit-trail reviews');
    expect(highlighted('/audit')).toBe('Audit trail');
    expect(highlighted('/audit/')).toBe('Audit trail');
  });

  it('is the longest matching item, whole path segments only', () => {
    expect(highlighted('/requests/new/withdrawal')).toBe('New withdrawal');
    expect(highlighted('/requests/42')).toBe('Requests');
    expect(highlighted('/requests/42/edit')).toBe('Requests');
    expect(highlighted('/retention/rules/3')).toBe('Retention schedule');
    expect(highlighted('/inventory-audits/7')).toBe('Inventory audits');
    // "/crates" is not a prefix of "/cratesx"; the dashboard only on "/" itself.
    expect(highlighted('/cratesx')).toBeNull();
    expect(highlighted('/')).toBe('Dashboard');
  });

  it('never is a filtered list, which shares its path with the list', () => {
    expect(highlighted('/retention/rules')).toBe('Retention schedule');
  });

  it('is exactly one item on every page of the navigation', () => {
    for (const item of everything.filter((entry) => !entry.to.includes('?'))) {
      const matching = everything.filter((entry) => activeNavItem(everything, item.to) === entry);
      expect(matching.map((entry) => entry.label)).toEqual([item.label]);
    }
  });
});
