import type { EligibleFilters, ForecastFilters } from '@/entities/crates/crate-keys';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function date(params: URLSearchParams, name: string): string | undefined {
  const value = params.get(name);
  return value !== null && DATE.test(value) ? value : undefined;
}

function id(params: URLSearchParams, name: string): number | undefined {
  const value = Number(params.get(name));
  return Number.isInteger(value) && value > 0 ? value : undefined;
}

function toParams(values: Record<string, string | number | undefined>): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined && value !== '') {
      params.set(key, String(value));
    }
  }
  return params;
}

export function forecastFiltersFromParams(params: URLSearchParams): ForecastFilters {
  return {
    period: params.get('period') === 'quarter' ? 'quarter' : 'month',
    from: date(params, 'from'),
    to: date(params, 'to'),
    unit: id(params, 'unit'),
    department: id(params, 'department'),
  };
}

export function paramsFromForecastFilters(filters: ForecastFilters): URLSearchParams {
  return toParams({ ...filters, period: filters.period === 'month' ? undefined : filters.period });
}

export function eligibleFiltersFromParams(params: URLSearchParams): EligibleFilters {
  const search = params.get('search')?.trim();
  return {
    on: date(params, 'on'),
    period_start: date(params, 'period_start'),
    period_end: date(params, 'period_end'),
    unit: id(params, 'unit'),
    department: id(params, 'department'),
    search: search === undefined || search === '' ? undefined : search,
  };
}

export function paramsFromEligibleFilters(filters: EligibleFilters): URLSearchParams {
  return toParams({ ...filters });
}

/** The eligible-crates list behind a figure of the forecast. */
export function eligibleLink(filters: EligibleFilters): string {
  return `/retention/eligible?${paramsFromEligibleFilters(filters).toString()}`;
}

/** The batch builder (destruction batches) over the same crates: the unit, department and
 *  retention period of the list (a batch takes the crates eligible today). */
export function batchBuilderLink(filters: EligibleFilters): string {
  const { unit, department, period_start, period_end } = filters;
  const query = toParams({ unit, department, period_start, period_end }).toString();
  return query === '' ? '/destruction-batches/new' : `/destruction-batches/new?${query}`;
}
