import { queryOptions, useMutation, useQuery } from '@tanstack/react-query';

import { api, unwrap } from '@/lib/api/client';
import { downloadFile } from '@/lib/download';
import { fetchPdf, showPdf } from '@/lib/pdf';

import { reviewKeys, type CoverageFilters } from './review-keys';
import type { CoverageRow } from './types';

function coverageQuery(filters: CoverageFilters) {
  return {
    ...(filters.unit === undefined ? {} : { unit: filters.unit }),
    ...(filters.months === undefined ? {} : { months: filters.months }),
  };
}

/** GET /audit-reviews/coverage/ — every ended month of the caller's units: reviewed (signed),
 *  in review, due or overdue. */
export function getCoverage(filters: CoverageFilters): Promise<CoverageRow[]> {
  return unwrap(
    api.GET('/api/v1/audit-reviews/coverage/', { params: { query: coverageQuery(filters) } }),
  );
}

export function coverageQueryOptions(filters: CoverageFilters) {
  return queryOptions({
    queryKey: reviewKeys.coverage(filters),
    queryFn: () => getCoverage(filters),
  });
}

export function useCoverage(filters: CoverageFilters) {
  return useQuery(coverageQueryOptions(filters));
}

function search(filters: CoverageFilters, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams(extra);
  for (const [key, value] of Object.entries(coverageQuery(filters))) {
    params.set(key, String(value));
  }
  return params.toString();
}

/** The same rows as a CSV file (the export is audited). */
export function useCoverageCsv() {
  return useMutation({
    mutationFn: (filters: CoverageFilters) =>
      downloadFile(`/api/v1/audit-reviews/coverage/?${search(filters, { format: 'csv' })}`, {
        accept: 'text/csv',
        fallbackName: 'audit-review-coverage.csv',
      }),
  });
}

/** The coverage report as a PDF with the review signatures (the export is audited). */
export function useCoveragePdf() {
  return useMutation({
    mutationFn: async (filters: CoverageFilters) => {
      const query = search(filters);
      const blob = await fetchPdf(
        `/api/v1/audit-reviews/coverage.pdf${query === '' ? '' : `?${query}`}`,
      );
      showPdf(blob, 'audit-review-coverage.pdf', null);
    },
  });
}
