import { describe, expect, it } from 'vitest';

import type { Location } from '@/lib/api/types';

import { asTree, findNode } from '../api/get-location-tree';
import { gridPreview, nextFreeRoom, type GridInput } from './grid-preview';
import { editValuesOf, hasChanges, lowersSecurityClass, updateBodyOf } from './location-edit';
import { occupancyLevel, occupancyText } from './occupancy';

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
