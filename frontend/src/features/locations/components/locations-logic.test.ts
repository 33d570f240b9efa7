import { describe, expect, it } from 'vitest';

import type { Location } from '@/lib/api/types';

import { asTree, findNode } from '../api/get-location-tree';
import { gridPreview, nextFreeRoom, type GridInput } from './grid-preview';
import { editValuesOf, hasChanges, lowersSecurityClass, updateBodyOf } from './location-edit';
import { occupancyLevel, occupancyText } from './occupancy';
import {
  verificationBand,
  verificationOf,
  verificationShort,
  verificationText,
  type VerifiableNode,
} from './verification';

describe('occupancy', () => {
  it('bands the ratio and says it in words', () => {
    expect(occupancyLevel({ occupancy: 0, total_capacity: 6 })).toBe('empty');
    expect(occupancyLevel({ occupancy: 2, total_capacity: 6 })).toBe('low');
    expect(occupancyLevel({ occupancy: 3, total_capacity: 6 })).toBe('medium');
    expect(occupancyLevel({ occupancy: 5, total_capacity: 6 })).toBe('high');
    expect(occupancyLevel({ occupancy: 6, total_capacity: 6 })).toBe('full');
    expect(occupancyLevel({ occupancy: 0, total_capacity: 0 })).toBe('none');
    expect(occupancyText({ occupancy: 4, total_capacity: 6 })).toBe(
      '4 of 6 crates, 67 % full, 2 free',
    );
    expect(occupancyText({ occupancy: 0, total_capacity: 0 })).toBe('no active shelves');
  });
});

const GRID: GridInput = {
  rooms: 2,
  racksPerRoom: 3,
  shelvesPerRack: 4,
  capacity: 6,
  firstRoom: 3,
  securityClass: 0,
};

describe('grid preview', () => {
  it('counts what the server will create', () => {
    const preview = gridPreview('GOA1', GRID, ['R01', 'R02']);
    expect(preview.roomCodes).toEqual(['R03', 'R04']);
    expect(preview.racks).toBe(6);
    expect(preview.shelves).toBe(24);
    expect(preview.total).toBe(32);
    expect(preview.crates).toBe(144);
    expect(preview.firstCode).toBe('GOA1/R03/K01/S1');
    expect(preview.lastCode).toBe('GOA1/R04/K03/S4');
    expect(preview.problems).toEqual([]);
  });

  it("names the server's refusals before sending", () => {
    expect(gridPreview('GOA1', { ...GRID, firstRoom: 1 }, ['R01', 'R02']).problems).toEqual([
      'These rooms already exist in GOA1: R01, R02.',
    ]);
    expect(gridPreview('GOA1', { ...GRID, firstRoom: 99 }, []).problems).toContain(
      'Room codes end at R99.',
    );
    const huge = gridPreview(
      'GOA1',
      { ...GRID, rooms: 50, racksPerRoom: 20, shelvesPerRack: 10 },
      [],
    );
    expect(huge.problems.join(' ')).toMatch(/at most 5000/);
    expect(gridPreview('GOA1', { ...GRID, capacity: 0 }, []).problems).toContain(
      'Capacity per shelf: 1 to 10000 crates.',
    );
  });

  it('suggests the first free run of rooms', () => {
    expect(nextFreeRoom(['R01', 'R02', 'R04'], 2)).toBe(5);
    expect(nextFreeRoom([], 3)).toBe(1);
  });
});

const ROOM = {
  id: 1,
  unit: 1,
  unit_code: 'GOA1',
  parent: null,
  kind: 'ROOM',
  code: 'R01',
  full_code: 'GOA1/R01',
  name: 'Record room 1',
  capacity: null,
  security_class: 2,
  is_active: true,
  last_verified_at: null,
  version: 4,
  occupancy: 3,
  total_capacity: 24,
  free: 21,
  created_at: '',
  updated_at: '',
} satisfies Location;

describe('editing a location', () => {
  it('sends only what changed, with the version read', () => {
    const values = { ...editValuesOf(ROOM), name: 'Vault', code: 'r01' };
    expect(updateBodyOf(ROOM, values)).toEqual({ version: 4, reason: '', name: 'Vault' });
    expect(hasChanges(updateBodyOf(ROOM, editValuesOf(ROOM)))).toBe(false);
  });

  it('knows when the security class is lowered (a reason is then required)', () => {
    expect(lowersSecurityClass(ROOM, { ...editValuesOf(ROOM), securityClass: 1 })).toBe(true);
    expect(lowersSecurityClass(ROOM, { ...editValuesOf(ROOM), securityClass: 3 })).toBe(false);
    const body = updateBodyOf(ROOM, { ...editValuesOf(ROOM), securityClass: 1, reason: ' move ' });
    expect(body).toEqual({ version: 4, reason: 'move', security_class: 1 });
  });
});

describe('the location tree', () => {
  it('is re-typed and searchable', () => {
    const shelf = { ...ROOM, id: 3, parent: 2, kind: 'SHELF' as const, children: [] };
    const rack = { ...ROOM, id: 2, parent: 1, kind: 'RACK' as const, children: [shelf] };
    const tree = asTree([{ ...ROOM, children: [rack] }]);
    expect(findNode(tree, 3)?.kind).toBe('SHELF');
    expect(findNode(tree, 9)).toBeNull();
  });
});

describe('days since verification', () => {
  const now = new Date('2026-12-06T12:00:00Z');
  const shelf = (at: string | null, active = true): VerifiableNode => ({
    kind: 'SHELF',
    is_active: active,
    last_verified_at: at,
    children: [],
  });
  const rack = (...children: VerifiableNode[]): VerifiableNode => ({
    kind: 'RACK',
    is_active: true,
    last_verified_at: null,
    children,
  });
  const band = (node: VerifiableNode) => verificationBand(verificationOf(node), now);

  it('bands a shelf by whole days: 30, 90 and 365 are the last days of their band', () => {
    expect(band(shelf('2026-12-06T08:00:00Z'))).toBe('month');
    expect(band(shelf('2026-11-06T12:00:00Z'))).toBe('month'); // 30 days
    expect(band(shelf('2026-11-05T12:00:00Z'))).toBe('quarter'); // 31
    expect(band(shelf('2026-09-07T12:00:00Z'))).toBe('quarter'); // 90
    expect(band(shelf('2026-09-06T12:00:00Z'))).toBe('year'); // 91
    expect(band(shelf('2025-12-06T12:00:00Z'))).toBe('year'); // 365
    expect(band(shelf('2025-12-05T12:00:00Z'))).toBe('older'); // 366
    expect(band(shelf(null))).toBe('never');
    expect(band(rack())).toBe('none');
  });

  it('says it in words, in the cell and in the name', () => {
    const twelve = verificationOf(shelf('2026-11-24T09:00:00Z'));
    expect(verificationText(twelve, now)).toBe('verified 12 days ago (2026-11-24)');
    expect(verificationShort(twelve, now)).toBe('12 d');
    const never = verificationOf(shelf(null));
    expect(verificationText(never, now)).toBe('never verified');
    expect(verificationShort(never, now)).toBe('never');
    expect(verificationText(verificationOf(rack()), now)).toBe('no active shelves');
  });

  it('gives a rack its oldest active shelf, and "never" while one was never verified', () => {
    const old = '2025-10-01T00:00:00Z';
    const checked = rack(shelf('2026-11-24T09:00:00Z'), shelf(old), shelf(null, false));
    expect(verificationOf(checked)).toEqual({ shelves: 2, never: 0, oldest: old });
    expect(band(checked)).toBe('older');
    expect(verificationText(verificationOf(checked), now)).toBe(
      'oldest shelf verified 431 days ago (2025-10-01)',
    );
    const partly = rack(shelf('2026-11-24T09:00:00Z'), shelf(null));
    expect(band(partly)).toBe('never');
    expect(verificationText(verificationOf(partly), now)).toBe(
      'oldest shelf verified 12 days ago (2026-11-24); 1 of 2 shelves never verified',
    );
    const room: VerifiableNode = { ...rack(checked, partly), kind: 'ROOM' };
    expect(verificationOf(room)).toEqual({ shelves: 4, never: 1, oldest: old });
  });
});
