import { keepPreviousData, queryOptions, useMutation, useQuery } from '@tanstack/react-query';

import { api, unwrap } from '@/lib/api/client';
import type { Forecast } from '@/lib/api/types';
import { downloadFile } from '@/lib/download';

import { crateKeys, type ForecastFilters } from './crate-keys';

/** The query string of a forecast (only what is set: the server fills in its defaults). */
export function forecastQuery(filters: ForecastFilters) {
  return {
    period: filters.period,
    ...(filters.from === undefined ? {} : { from: filters.from }),
    ...(filters.to === undefined ? {} : { to: filters.to }),
    ...(filters.unit === undefined ? {} : { unit: filters.unit }),
    ...(filters.department === undefined ? {} : { department: filters.department }),
  };
}

/**
 * GET /retention/forecast/ — crates becoming eligible for destruction per month or quarter, unit
 * and department, those already eligible, and those not forecast (on hold, pending an event).
 */
export function getRetentionForecast(filters: ForecastFilters): Promise<Forecast> {
  return unwrap(
    api.GET('/api/v1/retention/forecast/', { params: { query: forecastQuery(filters) } }),
  );
}

export function retentionForecastQueryOptions(filters: ForecastFilters) {
  return queryOptions({
    queryKey: crateKeys.forecast(filters),
    queryFn: () => getRetentionForecast(filters),
    // Switching the period or a filter keeps the last figures on screen until the new ones arrive.
    placeholderData: keepPreviousData,
  });
}

export function useRetentionForecast(filters: ForecastFilters) {
  return useQuery(retentionForecastQueryOptions(filters));
}

/** GET /retention/forecast.csv with the filters on screen (the export is audited). */
export function exportRetentionForecastCsv(filters: ForecastFilters): Promise<string> {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(forecastQuery(filters))) {
    params.set(key, String(value));
  }
  return downloadFile(`/api/v1/retention/forecast.csv?${params.toString()}`, {
    accept: 'text/csv',
    fallbackName: 'retention-forecast.csv',
  });
}

export function useExportRetentionForecastCsv() {
  return useMutation({ mutationFn: exportRetentionForecastCsv });
}
