/** What the batch builder lists: eligible crates of one unit, optionally of one department and
 *  with a retention date in a period (the forecast links here with these in the URL). */
export interface BuilderFilters {
  unit?: number | undefined;
  department?: number | undefined;
  period_start?: string | undefined;
  period_end?: string | undefined;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function id(params: URLSearchParams, name: string): number | undefined {
  const value = Number(params.get(name));
  return Number.isInteger(value) && value > 0 ? value : undefined;
}

function date(params: URLSearchParams, name: string): string | undefined {
  const value = params.get(name);
  return value !== null && DATE.test(value) ? value : undefined;
}

/** `?unit=&department=&period_start=&period_end=` — the names the eligible-crates list uses. */
export function builderFiltersFromParams(params: URLSearchParams): BuilderFilters {
  return {
    unit: id(params, 'unit'),
    department: id(params, 'department'),
    period_start: date(params, 'period_start'),
    period_end: date(params, 'period_end'),
  };
}

export function paramsFromBuilderFilters(filters: BuilderFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) {
    if (value !== undefined && value !== '') {
      params.set(key, String(value));
    }
  }
  return params;
}
