import type { HistoryEvent } from '@/lib/api/types';
import { humanize } from '@/lib/format';

const TITLES: Record<string, string> = {
  'crate.create': 'Crate created',
  'crate.hold_place': 'Legal hold placed',
  'crate.hold_release': 'Legal hold released',
  'crate.update': 'Crate changed',
  'request.create': 'Request raised',
  'request.update': 'Request edited',
  'request.approve': 'Request approved',
  'request.reject': 'Request rejected',
  'request.send_back': 'Request sent back',
  'request.resubmit': 'Request resubmitted',
  'request.cancel': 'Request cancelled',
  'request.allocate': 'Shelf allocated',
  'request.issue': 'Issued',
  'request.receive': 'Return received',
  'request.transfer': 'Transferred',
  'request.destroy': 'Destroyed',
  'signature.sign': 'Signed',
  'signature.failed': 'Signature refused',
};

function changeOf(event: Pick<HistoryEvent, 'changes'>, field: string): [unknown, unknown] | null {
  const changes = event.changes;
  if (typeof changes !== 'object' || changes === null) {
    return null;
  }
  const pair = (changes as Record<string, unknown>)[field];
  return Array.isArray(pair) && pair.length === 2 ? [pair[0], pair[1]] : null;
}

/** A person's words for an audit event (`request.send_back` → "Request sent back"; a signature
 *  with its meaning: "Signed: Approved"). */
export function historyTitle(event: Pick<HistoryEvent, 'action' | 'changes'>): string {
  const action = event.action;
  const known = TITLES[action.replace('-', '_')];
  const meaning = changeOf(event, 'meaning')?.[1];
  if (action === 'signature.sign' && typeof meaning === 'string') {
    return `Signed: ${humanize(meaning)}`;
  }
  if (known !== undefined) {
    return known;
  }
  const [subject = '', verb = ''] = action.split('.', 2);
  return `${humanize(subject)}: ${humanize(verb).toLowerCase()}`;
}

/** Fields worth showing from an event's `{field: [old, new]}` changes. */
const SHOWN = ['status', 'crate_status', 'legal_hold', 'location', 'unit'] as const;

function show(value: unknown): string {
  if (value === null || value === undefined || value === '') {
    return '—';
  }
  if (typeof value === 'boolean') {
    return value ? 'yes' : 'no';
  }
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '…';
}

/** "status: IN_STORAGE → ISSUED" lines for the fields a reader cares about. */
export function historyChanges(event: Pick<HistoryEvent, 'changes'>): string[] {
  const lines: string[] = [];
  for (const field of SHOWN) {
    const pair = changeOf(event, field);
    if (pair !== null) {
      lines.push(`${humanize(field)}: ${show(pair[0])} → ${show(pair[1])}`);
    }
  }
  return lines;
}
