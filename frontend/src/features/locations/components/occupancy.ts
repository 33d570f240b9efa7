export type OccupancyLevel = 'none' | 'empty' | 'low' | 'medium' | 'high' | 'full';

export interface Occupancy {
  occupancy: number;
  total_capacity: number;
}

/** Stored crates over capacity (0…1+); null when there is no capacity to fill. */
export function occupancyRatio({ occupancy, total_capacity }: Occupancy): number | null {
  return total_capacity > 0 ? occupancy / total_capacity : null;
}

/** Bands of the heat map: under half, under 80 %, under full, full (or over). */
export function occupancyLevel(value: Occupancy): OccupancyLevel {
  const ratio = occupancyRatio(value);
  if (ratio === null) {
    return 'none';
  }
  if (value.occupancy === 0) {
    return 'empty';
  }
  if (ratio < 0.5) {
    return 'low';
  }
  if (ratio < 0.8) {
    return 'medium';
  }
  return ratio < 1 ? 'high' : 'full';
}

export function occupancyPercent(value: Occupancy): number | null {
  const ratio = occupancyRatio(value);
  return ratio === null ? null : Math.round(ratio * 100);
}

/** "4 of 6 crates, 67 % full" — the words the colour stands for. */
export function occupancyText(value: Occupancy): string {
  const percent = occupancyPercent(value);
  if (percent === null) {
    return 'no active shelves';
  }
  const free = Math.max(value.total_capacity - value.occupancy, 0);
  return `${String(value.occupancy)} of ${String(value.total_capacity)} crates, ${String(percent)} % full, ${String(free)} free`;
}

/** Light backgrounds; the text on them stays near-black (contrast ≥ 7:1). */
export const LEVEL_COLORS: Record<OccupancyLevel, string> = {
  none: '#f1f3f5',
  empty: '#ffffff',
  low: '#d3f9d8',
  medium: '#fff3bf',
  high: '#ffd8a8',
  full: '#ffc9c9',
};

export const LEVEL_LABELS: Record<OccupancyLevel, string> = {
  none: 'No capacity',
  empty: 'Empty',
  low: 'Under 50 %',
  medium: '50–79 %',
  high: '80–99 %',
  full: 'Full',
};
