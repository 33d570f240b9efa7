import type { Document, RequestDetail } from '@/lib/api/types';

export interface RequestDocumentsView {
  /** The documents the request covers, by number (the named ones, else the crate's). */
  documents: Document[];
  /** True when the request names no documents: it covers the whole crate. */
  wholeCrate: boolean;
  /** The crate holds more documents than one page returned. */
  more: boolean;
}

/** Which of the crate's documents the request covers. */
export function requestDocumentsView(
  request: Pick<RequestDetail, 'documents'>,
  crateDocuments: Document[],
  more: boolean,
): RequestDocumentsView {
  const named = new Set(request.documents.map((doc) => doc.id));
  const wholeCrate = named.size === 0;
  const documents = (
    wholeCrate ? crateDocuments : crateDocuments.filter((doc) => named.has(doc.id))
  ).toSorted((a, b) => a.number.localeCompare(b.number));
  return { documents, wholeCrate, more };
}
