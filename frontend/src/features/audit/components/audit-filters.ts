import type { AuditFilters } from '../api/audit-keys';

/** Suggested action prefixes (the server matches the start of the action). */
export const ACTION_SUGGESTIONS = [
  'auth.',
  'auth.login',
  'auth.login_failed',
  'auth.logout',
  'auth.password_change_failed',
  'signature.failed',
  'request.',
  'request.create',
  'request.update',
  'request.approve',
  'request.reject',
  'request.send_back',
  'request.resubmit',
  'request.cancel',
  'request.allocate',
  'request.issue',
  'request.receive',
  'request.transfer',
  'request.destroy',
  'crate.',
  'crate.hold_place',
  'crate.hold_release',
  'location.',
  'user.',
  'user.create',
  'user.access_change',
  'user.deactivate',
  'user.activate',
  'user.password_reset',
  'user.unlock',
  'unit.',
  'department.',
  'audit.export',
  'audit.verify',
  'report.export',
];

export const OBJECT_TYPES = [
  'request',
  'crate',
  'document',
  'attachment',
  'location',
  'user',
  'unit',
  'department',
  'report',
  'document_type',
  'role',
  'periodic_task',
];

const TEXT_KEYS = {
  actor: 'actor',
  action: 'action',
  objectType: 'object_type',
  objectId: 'object_id',
  from: 'from',
  to: 'to',
} as const;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The filters in the address bar, so a filtered trail can be bookmarked and shared. */
export function auditFiltersFromParams(params: URLSearchParams): AuditFilters {
  const filters: AuditFilters = {};
  for (const [key, param] of Object.entries(TEXT_KEYS) as [keyof typeof TEXT_KEYS, string][]) {
    const value = params.get(param)?.trim() ?? '';
    if (value === '' || ((key === 'from' || key === 'to') && !DATE.test(value))) {
      continue;
    }
    filters[key] = value;
  }
  const unit = Number(params.get('unit'));
  if (Number.isInteger(unit) && unit > 0) {
    filters.unit = unit;
  }
  return filters;
}

export function paramsFromAuditFilters(filters: AuditFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, param] of Object.entries(TEXT_KEYS) as [keyof typeof TEXT_KEYS, string][]) {
    const value = filters[key]?.trim() ?? '';
    if (value !== '') {
      params.set(param, value);
    }
  }
  if (filters.unit !== undefined) {
    params.set('unit', String(filters.unit));
  }
  return params;
}

/** `changes` as `{field: [old, new]}` rows; anything else is shown as JSON. */
export function changeRows(changes: unknown): { field: string; before: string; after: string }[] {
  if (typeof changes !== 'object' || changes === null || Array.isArray(changes)) {
    return [];
  }
  const show = (value: unknown): string => {
    if (value === null || value === undefined) {
      return '—';
    }
    return typeof value === 'string' ? value : JSON.stringify(value);
  };
  return Object.entries(changes as Record<string, unknown>).map(([field, pair]) =>
    Array.isArray(pair) && pair.length === 2
      ? { field, before: show(pair[0]), after: show(pair[1]) }
      : { field, before: '', after: show(pair) },
  );
}
