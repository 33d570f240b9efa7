import type { Schemas } from '@/lib/api/types';

import { emptyRow, rowComplete, type DocumentRow } from './document-rows';

type CrateDocument = Schemas['DocumentInCrate'];
export type DocumentEditInput = Schemas['DocumentEditInputRequest'];

/** A row of a sent-back storage request's crate: a document row, with the document it
 *  corrects (`id`, null for a row added here); its department is kept as it was. */
export interface EditableDocumentRow extends DocumentRow {
  id: number | null;
}

export function editableRowOf(document: CrateDocument): EditableDocumentRow {
  return {
    ...emptyRow(),
    id: document.id,
    department: document.department_code,
    number: document.number,
    title: document.title,
    docType: document.doc_type_code,
    preparedOn: document.prepared_on,
    retentionUntil: document.retention_until ?? '',
    permanent: document.retain_permanently,
  };
}

export function newEditableRow(): EditableDocumentRow {
  return { ...emptyRow(), id: null };
}

export function editableRowsOf(documents: readonly CrateDocument[]): EditableDocumentRow[] {
  return [...documents]
    .sort((a, b) => a.number.localeCompare(b.number))
    .map((document) => editableRowOf(document));
}

export function toDocumentEditInput(row: EditableDocumentRow): DocumentEditInput {
  return {
    ...(row.id === null ? {} : { id: row.id }),
    number: row.number.trim(),
    title: row.title.trim(),
    doc_type: row.docType,
    ...(row.department === '' ? {} : { department: row.department }),
    prepared_on: row.preparedOn,
    retention_until: row.permanent || row.retentionUntil === '' ? null : row.retentionUntil,
    retain_permanently: row.permanent,
  };
}

/**
 * The rows to send, or null when they say what the crate already holds (then the PATCH leaves
 * the documents alone).
 */
export function documentRowChanges(
  documents: readonly CrateDocument[],
  rows: readonly EditableDocumentRow[],
): DocumentEditInput[] | null {
  const before = JSON.stringify(editableRowsOf(documents).map(toDocumentEditInput));
  const inputs = rows.map(toDocumentEditInput);
  const after = JSON.stringify([...inputs].sort((a, b) => a.number.localeCompare(b.number)));
  return before === after ? null : inputs;
}

/** Every row complete (as on creation) and at least one. */
export function rowsComplete(rows: readonly EditableDocumentRow[]): boolean {
  return rows.length > 0 && rows.every((row) => rowComplete(row));
}
