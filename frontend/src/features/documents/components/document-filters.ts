import type { DocumentFilters } from '@/entities/documents/document-keys';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function date(value: string | null): string | undefined {
  return value !== null && DATE.test(value) ? value : undefined;
}

/** Filters live in the URL so a search can be bookmarked, shared and reloaded. */
export function documentFiltersFromParams(params: URLSearchParams): DocumentFilters {
  const search = (params.get('search') ?? '').trim();
  const docType = (params.get('doc_type') ?? '').trim();
  const status = params.get('status');
  const unit = params.get('unit');
  return {
    search: search === '' ? undefined : search,
    doc_type: docType === '' ? undefined : docType,
    status: status === 'ACTIVE' || status === 'DESTROYED' ? status : undefined,
    unit: unit !== null && /^\d+$/.test(unit) && Number(unit) > 0 ? Number(unit) : undefined,
    retention_until_from: date(params.get('retention_until_from')),
    retention_until_to: date(params.get('retention_until_to')),
  };
}

export function paramsFromDocumentFilters(filters: DocumentFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) {
    if (value !== undefined && value !== '') {
      params.set(key, String(value));
    }
  }
  return params;
}
