import { describe, expect, it } from 'vitest';

import { documentFiltersFromParams, paramsFromDocumentFilters } from './document-filters';

describe('document filters in the URL', () => {
  it('round-trip and drop invalid values', () => {
    const filters = documentFiltersFromParams(
      new URLSearchParams(
        'search=bmr%202024&doc_type=BMR&status=ACTIVE&unit=1&retention_until_to=2030-01-01&retention_until_from=soon',
      ),
    );
    expect(filters).toEqual({
      search: 'bmr 2024',
      doc_type: 'BMR',
      status: 'ACTIVE',
      unit: 1,
      retention_until_from: undefined,
      retention_until_to: '2030-01-01',
    });
    expect(documentFiltersFromParams(paramsFromDocumentFilters(filters))).toEqual(filters);
    expect(documentFiltersFromParams(new URLSearchParams('status=GONE')).status).toBeUndefined();
  });
});
