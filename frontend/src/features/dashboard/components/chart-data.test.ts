import { describe, expect, it } from 'vitest';

import { roomRows, totalRequests, weeklyRows, weeklySeries } from './chart-data';

const perWeek = {
  weeks: ['2026-11-09', '2026-11-16'],
  series: [
    { type: 'STORAGE' as const, counts: [2, 0] },
    { type: 'TRANSFER' as const, counts: [1, 3] },
  ],
};

describe('dashboard chart data', () => {
  it('makes one row per week with a column per request type', () => {
    expect(weeklyRows(perWeek)).toEqual([
      { week: '11-09', STORAGE: 2, TRANSFER: 1 },
      { week: '11-16', STORAGE: 0, TRANSFER: 3 },
    ]);
    expect(weeklySeries(perWeek).map((series) => series.label)).toEqual(['Storage', 'Transfer']);
    expect(totalRequests(perWeek)).toBe(6);
  });

  it('splits rooms into occupied and free places', () => {
    expect(
      roomRows([
        { id: 1, unit_code: 'GOA1', full_code: 'GOA1/R01', name: '', occupancy: 9, capacity: 12 },
        { id: 2, unit_code: 'GOA1', full_code: 'GOA1/R02', name: '', occupancy: 0, capacity: 0 },
      ]),
    ).toEqual([
      { room: 'GOA1/R01', occupied: 9, free: 3, percent: 75 },
      { room: 'GOA1/R02', occupied: 0, free: 0, percent: 0 },
    ]);
  });
});
