import dayjs from 'dayjs';

import type { Forecast, ForecastPeriod } from '@/lib/api/types';

/** Mantine palette shades that keep 4.5:1 against white, one per series in turn. */
const COLORS = ['blue.7', 'teal.8', 'orange.8', 'violet.7', 'grape.7', 'cyan.8', 'indigo.7',
  'pink.7', 'red.8', 'lime.9'] as const; // prettier-ignore

export type ForecastGrouping = 'unit' | 'department';

export interface ForecastChartRow {
  period: string;
  [series: string]: string | number;
}

/** How a period is named on screen: "Jan 2027" for a month, "2027-Q1" for a quarter. */
export function periodName(period: Pick<ForecastPeriod, 'start' | 'label'>, kind: string): string {
  return kind === 'month' ? dayjs(period.start).format('MMM YYYY') : period.label;
}

/**
 * The forecast as chart rows: one row per period, one column per unit (or unit and department)
 * with the crates becoming eligible then. Keys avoid dots (recharts reads them as paths).
 */
export function forecastChartData(forecast: Forecast, grouping: ForecastGrouping) {
  const labels = new Map<string, string>();
  const keyOf = (row: Forecast['rows'][number]) => {
    const key = grouping === 'unit' ? row.unit_code : `${row.unit_code}-${row.department_code}`;
    labels.set(
      key,
      grouping === 'unit' ? row.unit_code : `${row.unit_code} · ${row.department_code}`,
    );
    return key;
  };
  const byPeriod = new Map<string, Record<string, number>>();
  for (const row of forecast.rows) {
    const counts = byPeriod.get(row.period_start) ?? {};
    const key = keyOf(row);
    counts[key] = (counts[key] ?? 0) + row.crates;
    byPeriod.set(row.period_start, counts);
  }
  const keys = [...labels.keys()].sort();
  const rows: ForecastChartRow[] = forecast.periods.map((period) => {
    const counts = byPeriod.get(period.start) ?? {};
    const row: ForecastChartRow = { period: periodName(period, forecast.period) };
    for (const key of keys) {
      row[key] = counts[key] ?? 0;
    }
    return row;
  });
  const series = keys.map((key, index) => ({
    name: key,
    label: labels.get(key) ?? key,
    color: COLORS[index % COLORS.length] ?? 'gray.7',
  }));
  return { rows, series };
}
