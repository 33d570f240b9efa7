import dayjs from 'dayjs';

import type { operations } from '@/lib/api/schema';

import type { AuditFilters } from './audit-keys';

export type AuditQuery = Omit<
  NonNullable<operations['audit_events_list']['parameters']['query']>,
  'cursor' | 'format' | 'page_size'
>;

function text(value: string | undefined): string {
  return value === undefined ? '' : value.trim();
}

/** The audit-events query parameters of the filters (shared by the list and the CSV export). */
export function auditQuery(filters: AuditFilters): AuditQuery {
  const query: AuditQuery = {};
  if (text(filters.actor) !== '') {
    query.actor_username = text(filters.actor);
  }
  if (text(filters.action) !== '') {
    query.action = text(filters.action);
  }
  if (text(filters.objectType) !== '') {
    query.object_type = text(filters.objectType);
  }
  if (text(filters.objectId) !== '') {
    query.object_id = text(filters.objectId);
  }
  if (filters.unit !== undefined) {
    query.unit = filters.unit;
  }
  if (filters.from !== undefined) {
    query.at_after = dayjs(filters.from).startOf('day').toISOString();
  }
  if (filters.to !== undefined) {
    query.at_before = dayjs(filters.to).endOf('day').toISOString();
  }
  return query;
}
