import type { Dashboard } from '@/lib/api/types';
import { humanize } from '@/lib/format';

/** One colour per request type, the same in every chart (Mantine palette, AA on white). */
export const TYPE_COLORS: Record<string, string> = {
  STORAGE: 'blue.7',
  WITHDRAWAL: 'violet.7',
  TRANSFER: 'teal.8',
  DESTRUCTION: 'orange.8',
};

export interface WeekRow {
  week: string;
  [type: string]: string | number;
}

/** The weekly series as chart rows: one row per week, one column per request type. */
export function weeklyRows(data: Dashboard['requests_per_week']): WeekRow[] {
  return data.weeks.map((week, index) => {
    const row: WeekRow = { week: week.slice(5) };
    for (const series of data.series) {
      row[series.type] = series.counts[index] ?? 0;
    }
    return row;
  });
}

export function weeklySeries(data: Dashboard['requests_per_week']) {
  return data.series.map((series) => ({
    name: series.type,
    label: humanize(series.type),
    color: TYPE_COLORS[series.type] ?? 'gray.7',
  }));
}

export interface RoomRow {
  room: string;
  occupied: number;
  free: number;
  percent: number;
}

/** Rooms as chart rows: occupied and free places, and the share used. */
export function roomRows(rooms: Dashboard['occupancy_by_room']): RoomRow[] {
  return rooms.map((room) => ({
    room: room.full_code,
    occupied: room.occupancy,
    free: Math.max(0, room.capacity - room.occupancy),
    percent: room.capacity > 0 ? Math.round((room.occupancy / room.capacity) * 100) : 0,
  }));
}

export function totalRequests(data: Dashboard['requests_per_week']): number {
  return data.series.reduce(
    (sum, series) => sum + series.counts.reduce((inner, count) => inner + count, 0),
    0,
  );
}
