import {
  infiniteQueryOptions,
  useInfiniteQuery,
  useMutation,
  useQueryClient,
  type QueryClient,
} from '@tanstack/react-query';

import { ApiError } from '@/lib/api-client';
import { api, unwrap } from '@/lib/api/client';
import { cursorOf } from '@/lib/api/cursor';
import type { CursorPage, Schemas } from '@/lib/api/types';
import { markOwnChange } from '@/lib/realtime/own-changes';

import { crateKeys } from '@/entities/crates/crate-keys';
import { documentKeys } from '@/entities/documents/document-keys';
import { retentionKeys } from './retention-keys';

export type EventsResult = Schemas['EventsResult'];
export type DocumentEvent = Schemas['DocumentEvent'];

/** GET /document-events/ — recorded event dates of the caller's units, newest first. */
export function getEventDates(cursor?: string): Promise<CursorPage<DocumentEvent>> {
  return unwrap(
    api.GET('/api/v1/document-events/', {
      params: { query: { page_size: 20, ...(cursor === undefined ? {} : { cursor }) } },
    }),
  );
}

export function useEventDates() {
  return useInfiniteQuery(
    infiniteQueryOptions({
      queryKey: retentionKeys.eventDates(),
      queryFn: ({ pageParam }) => getEventDates(pageParam),
      initialPageParam: undefined as string | undefined,
      getNextPageParam: (page) => cursorOf(page.next),
    }),
  );
}

/** Event dates move documents' retention, hence their crates' destroy dates and the forecast. */
function retentionMoved(queryClient: QueryClient): void {
  void queryClient.invalidateQueries({ queryKey: retentionKeys.eventDates() });
  void queryClient.invalidateQueries({ queryKey: documentKeys.all });
  void queryClient.invalidateQueries({ queryKey: crateKeys.all });
}

/**
 * POST /document-events/import/ (multipart `file`: unit,document_number,event,date) — all or
 * nothing; a refusal names each bad row by its line in the file (`details.events[line]`).
 */
export function importEventsCsv(file: File): Promise<EventsResult> {
  const form = new FormData();
  form.append('file', file);
  return unwrap(
    api.POST('/api/v1/document-events/import/', {
      body: { file: '' },
      bodySerializer: () => form,
    }),
  );
}

export function useImportEventsCsv() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: importEventsCsv,
    onSuccess: () => {
      retentionMoved(queryClient);
    },
  });
}

export interface EventDateInput {
  documentNumber: string;
  unit: number;
  unitCode: string;
  event: string;
  date: string;
}

/** A refusal on the form's own field names, as the server's envelope would carry it. */
function refusal(field: string, message: string): ApiError {
  return new ApiError(400, message, {
    error: { code: 'invalid_events', message, details: { [field]: [message] }, request_id: '' },
  });
}

/**
 * One event date typed by hand: the document is found by its number in the unit
 * (GET /documents/?search=&unit=, the exact number), then POST /document-events/ records the
 * date (201 new, 200 changed or the same again).
 */
export async function recordEventDate(input: EventDateInput): Promise<EventsResult> {
  const number = input.documentNumber.trim();
  const found = await unwrap(
    api.GET('/api/v1/documents/', {
      params: { query: { search: number, unit: input.unit, page_size: 50 } },
    }),
  );
  const document = found.results.find(
    (doc) => doc.number.toLowerCase() === number.toLowerCase() && doc.unit === input.unit,
  );
  if (document === undefined) {
    throw refusal('document_number', `No document ${number} in ${input.unitCode}.`);
  }
  return unwrap(
    api.POST('/api/v1/document-events/', {
      body: { document: document.id, event: input.event, date: input.date },
    }),
  );
}

export function useRecordEventDate() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: recordEventDate,
    onSuccess: () => {
      retentionMoved(queryClient);
    },
  });
}

export type EventDateChangeBody = Schemas['PatchedDocumentEventUpdateRequest'];

/**
 * PATCH /document-events/{id}/ with the version read — a recorded date changed (audited): the
 * document's retention is recomputed from its rule, and its crate's destroy-after date; the
 * answer counts the crates that left eligibility for destruction (they leave their batches).
 */
export function changeEventDate(id: number, body: EventDateChangeBody): Promise<EventsResult> {
  return unwrap(api.PATCH('/api/v1/document-events/{id}/', { params: { path: { id } }, body }));
}

export function useChangeEventDate(id: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: EventDateChangeBody) => {
      markOwnChange('event_date', id);
      return changeEventDate(id, body);
    },
    onSuccess: () => {
      retentionMoved(queryClient);
    },
    onError: (error) => {
      // Changed by someone else meanwhile: the list shows it as it is now.
      if (error instanceof ApiError && error.code === 'stale_version') {
        void queryClient.invalidateQueries({ queryKey: retentionKeys.eventDates() });
      }
    },
  });
}
