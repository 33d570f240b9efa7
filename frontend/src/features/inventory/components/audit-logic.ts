import type {
  AuditDetail,
  AuditResult,
  AuditResultKind,
  AuditStatus,
  ReconcileAction,
} from '../api/types';

export const AUDIT_STATUSES: readonly AuditStatus[] = [
  'OPEN',
  'IN_PROGRESS',
  'RECONCILING',
  'CLOSED',
  'CANCELLED',
];

/** What the server offers the caller now (`available_actions`), by name. */
export function auditAction(audit: Pick<AuditDetail, 'available_actions'>, name: string) {
  return audit.available_actions.find((action) => action.name === name);
}

/** The discrepancies still to reconcile once counting is complete. */
export function openFindings(results: readonly AuditResult[]): AuditResult[] {
  return results.filter(
    (row) => row.finding_id !== null && row.resolution === '' && row.allowed_actions.length > 0,
  );
}

/** Counts by result, in the order the screens list them. */
export const RESULT_ORDER: readonly AuditResultKind[] = [
  'MISSING',
  'MISPLACED',
  'UNEXPECTED',
  'UNKNOWN',
  'PENDING',
  'FOUND',
];

export function resultCounts(results: readonly AuditResult[]): [AuditResultKind, number][] {
  return RESULT_ORDER.map((kind): [AuditResultKind, number] => [
    kind,
    results.filter((row) => row.result === kind).length,
  ]).filter(([, count]) => count > 0);
}

export const ACTION_WORDS: Record<ReconcileAction, string> = {
  RELOCATE: 'Correct the location to the shelf it was found on',
  MARK_MISSING: 'Mark the crate missing',
  EXPLAIN: 'Explain only',
};

/** A random key per scan, so that a retried submission is recorded once. */
export function newScanKey(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') {
    return crypto.randomUUID();
  }
  return `${String(Date.now())}-${Math.random().toString(36).slice(2)}`;
}

/** The shelf chosen for scanning, from the page's address (`?shelf=`), if it is one of the
 *  audit's shelves: a reload mid-shelf comes back to it. */
export function shelfFromParams(
  params: URLSearchParams,
  audit: Pick<AuditDetail, 'shelves'>,
): number | null {
  const value = Number(params.get('shelf'));
  return audit.shelves.some((shelf) => shelf.shelf_id === value) ? value : null;
}

const RESULT_WORDS: Record<AuditResultKind, string> = {
  FOUND: 'Found',
  MISPLACED: 'Misplaced',
  MISSING: 'Missing',
  UNEXPECTED: 'Unexpected',
  UNKNOWN: 'Unknown code',
  PENDING: 'Not scanned yet',
};

export function resultWord(result: AuditResultKind): string {
  return RESULT_WORDS[result];
}
