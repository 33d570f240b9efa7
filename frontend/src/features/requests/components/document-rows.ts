import type { Schemas } from '@/lib/api/types';
import { formatDate } from '@/lib/format';

import type { CsvDocumentRow } from '../api/parse-documents-csv';

/** A document row being entered in the storage wizard. */
export interface DocumentRow {
  key: number;
  number: string;
  title: string;
  docType: string;
  /** A department code of the crate's unit; empty: the crate's department. */
  department: string;
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
    department: '',
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
    docType: row.doc_type.trim().toUpperCase(),
    department: row.department,
    preparedOn: row.prepared_on,
    retentionUntil: permanent ? '' : row.retention_until,
    permanent,
  };
}

/** The approved retention rule that governs a new document of a type in the chosen department. */
export interface GoverningRule {
  code: string;
  trigger: string;
  event_name?: string | null;
  period_years: number;
  period_months: number;
  permanent: boolean;
}

/** What the form needs to know of a document type (GET /document-types/?department=). */
export interface RetentionType {
  code: string;
  name: string;
  default_retention_years?: number | null;
  retention_rule?: GoverningRule | null;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * The retention date the server stores for a row that gives none (records services
 * `document_retention_default`): the preparation date plus the type's default years, 29 February
 * becoming 28 February. Null without a default or a valid preparation date.
 */
export function retentionDefault(
  preparedOn: string,
  years: number | null | undefined,
  months = 0,
): string | null {
  const match = ISO_DATE.exec(preparedOn);
  if (match === null || years === null || years === undefined) {
    return null;
  }
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const prepared = new Date(Date.UTC(year, month - 1, day));
  if (prepared.getUTCMonth() !== month - 1 || prepared.getUTCDate() !== day) {
    return null; // not a calendar date
  }
  const total = month - 1 + months;
  const targetMonth = ((total % 12) + 12) % 12;
  const target = new Date(Date.UTC(year + years + Math.floor(total / 12), targetMonth, day));
  if (target.getUTCMonth() !== targetMonth) {
    target.setUTCDate(0); // a day the month lacks (31 April, 29 February): its last day
  }
  return target.toISOString().slice(0, 10);
}

function periodText(years: number, months: number): string {
  const parts = [
    years > 0 ? `${String(years)} ${years === 1 ? 'year' : 'years'}` : '',
    months > 0 ? `${String(months)} ${months === 1 ? 'month' : 'months'}` : '',
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(' ') : 'no time';
}

/** What the retention schedule gives a row left without a date (records services
 *  `retention_of_new_document`). */
function scheduleHint(rule: GoverningRule, preparedOn: string): string {
  if (rule.permanent) {
    return `Schedule ${rule.code}: kept permanently`;
  }
  const period = periodText(rule.period_years, rule.period_months);
  if (rule.trigger === 'EVENT') {
    return `Schedule ${rule.code}: pending until the ${rule.event_name ?? 'event'} date is recorded, then ${period} after it`;
  }
  const date = retentionDefault(preparedOn, rule.period_years, rule.period_months);
  return date === null
    ? `Schedule ${rule.code}: ${period} from the preparation date`
    : `Schedule ${rule.code}: ${formatDate(date)} (${period} from preparation)`;
}

/** The row states no retention, and its type gives none: a date or "permanent" is needed. */
export function retentionRequired(row: DocumentRow, type: RetentionType | undefined): boolean {
  return (
    type !== undefined &&
    (type.retention_rule ?? null) === null &&
    (type.default_retention_years ?? null) === null &&
    !row.permanent &&
    row.retentionUntil.trim() === ''
  );
}

/** What "Retain until" will store when left empty, or why it must be filled. */
export function retentionHint(row: DocumentRow, type: RetentionType | undefined): string | null {
  if (type === undefined || row.permanent || row.retentionUntil.trim() !== '') {
    return null;
  }
  const rule = type.retention_rule ?? null;
  if (rule !== null) {
    return scheduleHint(rule, row.preparedOn);
  }
  const years = type.default_retention_years ?? null;
  if (years === null) {
    return `Required: ${type.name} has no default retention`;
  }
  const period = `${String(years)} ${years === 1 ? 'year' : 'years'}`;
  const date = retentionDefault(row.preparedOn, years);
  return date === null
    ? `Default: ${period} from the preparation date (${type.name})`
    : `Default: ${formatDate(date)} (${period} for ${type.name})`;
}

export function rowComplete(row: DocumentRow, type?: RetentionType): boolean {
  return (
    row.number.trim() !== '' &&
    row.title.trim() !== '' &&
    row.docType !== '' &&
    ISO_DATE.test(row.preparedOn) &&
    (row.permanent || row.retentionUntil === '' || ISO_DATE.test(row.retentionUntil)) &&
    !retentionRequired(row, type)
  );
}

export function toDocumentInput(row: DocumentRow): Schemas['DocumentInputRequest'] {
  return {
    number: row.number.trim(),
    title: row.title.trim(),
    doc_type: row.docType,
    ...(row.department.trim() === '' ? {} : { department: row.department.trim() }),
    prepared_on: row.preparedOn,
    retention_until: row.permanent || row.retentionUntil === '' ? null : row.retentionUntil,
    retain_permanently: row.permanent,
  };
}
