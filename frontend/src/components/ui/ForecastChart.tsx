import { BarChart } from '@mantine/charts';

import type { Forecast } from '@/lib/api/types';

import { forecastChartData, type ForecastGrouping } from './forecast-chart-data';

/**
 * Crates becoming eligible per period, stacked per unit or department. Hidden from assistive
 * technology: `caption` (and the table beside it, where there is one) says the same in words.
 */
export function ForecastChart({
  forecast,
  grouping,
  height,
  caption,
}: {
  forecast: Forecast;
  grouping: ForecastGrouping;
  height: number;
  caption: string;
}) {
  const { rows, series } = forecastChartData(forecast, grouping);
  return (
    <figure style={{ margin: 0 }}>
      <BarChart
        h={height}
        data={rows}
        dataKey="period"
        type="stacked"
        series={series.length > 0 ? series : [{ name: 'none', label: 'Crates', color: 'gray.5' }]}
        withLegend={series.length > 0}
        tickLine="y"
        yAxisProps={{ allowDecimals: false }}
        aria-hidden
        // Not focusable either: recharts' keyboard layer would make the hidden chart a tab stop.
        barChartProps={{ accessibilityLayer: false }}
      />
      <figcaption className="visually-hidden">{caption}</figcaption>
    </figure>
  );
}
