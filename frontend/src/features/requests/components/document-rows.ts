import type { Schemas } from '@/lib/api/types';

import type { CsvDocumentRow } from '../api/parse-documents-csv';

/** A document row being entered in the storage wizard. */
export interface DocumentRow {
  key: number;
  number: string;
  title: string;
  docType: string;
  preparedOn: string;
  retentionUntil: string;
  permanent: boolean;
}

/** The document types initial_setup seeds (backend records/setup.py DOCUMENT_TYPES). */
export const DOCUMENT_TYPES = [
  { value: 'BMR', label: 'Batch Record' },
  { value: 'VAL', label: 'Validation' },
  { value: 'SOP', label: 'SOP' },
  { value: 'LOG', label: 'Logbook' },
  { value: 'RPT', label: 'Report' },
  { value: 'OTH', label: 'Other' },
] as const;

let nextKey = 1;

export function emptyRow(): DocumentRow {
  return {
    key: nextKey++,
    number: '',
    title: '',
    docType: 'BMR',
    preparedOn: '',
    retentionUntil: '',
    permanent: false,
  };
}

export function rowFromCsv(row: CsvDocumentRow): DocumentRow {
  const permanent = row.retention_until.trim().toLowerCase() === 'permanent';
  return {
    key: nextKey++,
    number: row.number,
    title: row.title,
    docType: row.doc_type,
    preparedOn: row.prepared_on,
    retentionUntil: permanent ? '' : row.retention_until,
    permanent,
  };
}

export function rowComplete(row: DocumentRow): boolean {
  return (
    row.number.trim() !== '' &&
    row.title.trim() !== '' &&
    row.docType !== '' &&
    /^\d{4}-\d{2}-\d{2}$/.test(row.preparedOn) &&
    (row.permanent || row.retentionUntil === '' || /^\d{4}-\d{2}-\d{2}$/.test(row.retentionUntil))
  );
}

export function toDocumentInput(row: DocumentRow): Schemas['DocumentInputRequest'] {
  return {
    number: row.number.trim(),
    title: row.title.trim(),
    doc_type: row.docType,
    prepared_on: row.preparedOn,
    retention_until: row.permanent || row.retentionUntil === '' ? null : row.retentionUntil,
    retain_permanently: row.permanent,
  };
}
