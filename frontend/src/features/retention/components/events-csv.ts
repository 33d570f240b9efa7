import { fieldErrors } from '@/lib/api/field-errors';

/** The columns of an event-date CSV (the server's document_events_parse_csv). */
export const EVENT_CSV_COLUMNS = ['unit', 'document_number', 'event', 'date'] as const;

const FIELD_LABELS: Record<string, string> = {
  unit: 'unit',
  document_number: 'document number',
  event: 'event',
  date: 'date',
};

export interface CsvPreviewRow {
  /** The line of the file (1 = the header), as the server numbers them. */
  line: number;
  values: Record<string, string>;
}

export interface CsvPreview {
  header: string[];
  /** Required columns the header lacks (the unit may be left out). */
  missing: string[];
  rows: CsvPreviewRow[];
}

/** One CSV line into fields: `,` or `;`, double quotes around a field, "" for a quote. */
function splitLine(line: string, delimiter: string): string[] {
  const fields: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const char = line.charAt(i);
    if (quoted) {
      if (char === '"' && line.charAt(i + 1) === '"') {
        current += '"';
        i += 1;
      } else if (char === '"') {
        quoted = false;
      } else {
        current += char;
      }
    } else if (char === '"') {
      quoted = true;
    } else if (char === delimiter) {
      fields.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  fields.push(current);
  return fields.map((field) => field.trim());
}

/**
 * What the file holds, read in the browser before it is sent (a preview; the server checks
 * every row against the documents and events and refuses the whole file if one is wrong).
 */
export function previewEventsCsv(text: string): CsvPreview {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  const first = lines[0] ?? '';
  const delimiter = (first.match(/;/g) ?? []).length > (first.match(/,/g) ?? []).length ? ';' : ',';
  const header = splitLine(first, delimiter).map((name) => name.toLowerCase());
  const missing = EVENT_CSV_COLUMNS.filter((name) => name !== 'unit' && !header.includes(name));
  const rows: CsvPreviewRow[] = [];
  lines.slice(1).forEach((line, index) => {
    const values = splitLine(line, delimiter);
    if (values.every((value) => value === '')) {
      return;
    }
    rows.push({
      line: index + 2,
      values: Object.fromEntries(header.map((name, column) => [name, values[column] ?? ''])),
    });
  });
  return { header, missing, rows };
}

export interface CsvRowError {
  /** The file's line, or null for a message about the file or the rows as a whole. */
  line: number | null;
  field: string | null;
  message: string;
}

/**
 * The import's refusal by line and field: `details.events[line][field]` (flattened to
 * `events.3.date`) → {line: 3, field: "date", …}; `details.file` and `events.non_field_errors`
 * about the whole file. Sorted by line.
 */
export function csvRowErrors(error: unknown): CsvRowError[] {
  const errors = Object.entries(fieldErrors(error)).map(([key, message]): CsvRowError => {
    const [scope, line, field] = key.split('.');
    if (scope === 'events' && line !== undefined && /^\d+$/.test(line)) {
      return {
        line: Number(line),
        field: field === undefined ? null : (FIELD_LABELS[field] ?? field),
        message,
      };
    }
    return { line: null, field: null, message };
  });
  return errors.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}
