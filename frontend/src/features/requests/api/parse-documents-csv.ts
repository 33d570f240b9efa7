import { useMutation } from '@tanstack/react-query';

import { api, unwrap } from '@/lib/api/client';

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
export async function parseDocumentsCsv(file: File, unit: number): Promise<CsvDocumentRow[]> {
  const form = new FormData();
  form.append('file', file);
  form.append('unit', String(unit));
  const result = await unwrap(
    api.POST('/api/v1/requests/documents-csv/', { body: { unit }, bodySerializer: () => form }),
  );
  // The schema leaves this answer untyped; the server sends {documents: [row, ...]}.
  return (result as unknown as { documents: CsvDocumentRow[] }).documents;
}

export function useParseDocumentsCsv() {
  return useMutation({
    mutationFn: ({ file, unit }: { file: File; unit: number }) => parseDocumentsCsv(file, unit),
  });
}
