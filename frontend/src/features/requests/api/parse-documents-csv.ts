import { useMutation } from '@tanstack/react-query';

import { authJson } from '@/lib/api/client';

/** One row as the server parsed it: the CSV columns, as strings. */
export interface CsvDocumentRow {
  number: string;
  title: string;
  doc_type: string;
  department: string;
  prepared_on: string;
  retention_until: string;
}

/**
 * POST /requests/documents-csv/ (multipart: file, unit) — validates a CSV of documents
 * against the unit and returns its rows; nothing is saved. Errors name the CSV line numbers.
 */
export function parseDocumentsCsv(file: File, unit: number): Promise<CsvDocumentRow[]> {
  const body = new FormData();
  body.append('file', file);
  body.append('unit', String(unit));
  return authJson<{ documents: CsvDocumentRow[] }>('/api/v1/requests/documents-csv/', {
    method: 'POST',
    body,
  }).then((result) => result.documents);
}

export function useParseDocumentsCsv() {
  return useMutation({
    mutationFn: ({ file, unit }: { file: File; unit: number }) => parseDocumentsCsv(file, unit),
  });
}
