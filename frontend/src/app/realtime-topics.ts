import { auditKeys } from '@/features/audit/api/audit-keys';
import { crateKeys } from '@/entities/crates/crate-keys';
import { dashboardKeys } from '@/features/dashboard/api/dashboard-keys';
import { batchKeys } from '@/features/disposition/api/batch-keys';
import { documentKeys } from '@/entities/documents/document-keys';
import { inventoryKeys } from '@/features/inventory/api/audit-keys';
import { locationKeys } from '@/entities/locations/location-keys';
import { notificationKeys } from '@/features/notifications/api/notification-keys';
import { requestKeys } from '@/features/requests/api/request-keys';
import { retentionKeys } from '@/features/retention/api/retention-keys';
import { reviewKeys } from '@/features/review/api/review-keys';
import type { RealtimeEvent } from '@/lib/api/types';
import type { TopicKeyMap } from '@/lib/realtime/topics';

function requestIdOf(event: RealtimeEvent): number | null {
  const value = event.data.request_id;
  return typeof value === 'number' ? value : null;
}

/**
 * Which cached queries each live event makes stale. The socket never patches data. Every
 * change to a request, send-back, crate or location is audited in the same transaction, so
 * those events also make the audit trail stale.
 */
export const TOPIC_KEYS: TopicKeyMap = {
  request: (event) => [
    requestKeys.lists(),
    requestKeys.detail(Number(event.object_id)),
    crateKeys.requestLists(),
    dashboardKeys.all,
    auditKeys.lists(),
  ],
  sendback: (event) => {
    const requestId = requestIdOf(event);
    return [
      requestKeys.lists(),
      requestId === null ? requestKeys.details() : requestKeys.detail(requestId),
      dashboardKeys.all,
      auditKeys.lists(),
    ];
  },
  // A crate that moves changes the occupancy of shelves and what its documents show.
  crate: () => [
    crateKeys.all,
    documentKeys.lists(),
    locationKeys.all,
    requestKeys.details(),
    dashboardKeys.all,
    auditKeys.lists(),
  ],
  location: () => [locationKeys.all, dashboardKeys.all, auditKeys.lists()],
  // Every change of a batch's crates saves the batch (a hold placed elsewhere drops its item):
  // one event for the lists and the page; destroyed or released crates change crate screens.
  batch: (event) => [
    batchKeys.lists(),
    batchKeys.detail(Number(event.object_id)),
    crateKeys.all,
    auditKeys.lists(),
  ],
  // Every version of a rule is an event (a rule of every unit reaches everyone). Approving one
  // recomputes the retention of the documents it governs: their crates' destroy dates, the
  // forecast and what is eligible move too (approval also supersedes the previous version).
  rule: (event) => [
    retentionKeys.rules(),
    auditKeys.lists(),
    ...(event.data.status === 'APPROVED'
      ? [documentKeys.all, crateKeys.all, dashboardKeys.all]
      : []),
  ],
  // A document's event date recomputes its retention and its crate's destroy date.
  event_date: () => [
    retentionKeys.eventDates(),
    documentKeys.all,
    crateKeys.all,
    dashboardKeys.all,
    auditKeys.lists(),
  ],
  // Every scan, shelf and reconciliation saves the audit: one event refetches its page (and the
  // open shelf's scans, under its detail key) and the lists; a reconciliation moves crates.
  inventory: (event) => [
    inventoryKeys.lists(),
    inventoryKeys.detail(Number(event.object_id)),
    inventoryKeys.proposals(),
    crateKeys.all,
    locationKeys.all,
    auditKeys.lists(),
  ],
  // Opening, refreshing, every flag decision and the signature save the review: one event
  // refetches its page, the lists and the coverage report (sent only to readers of the trail).
  review: (event) => [
    reviewKeys.lists(),
    reviewKeys.detail(Number(event.object_id)),
    reviewKeys.coverages(),
    auditKeys.lists(),
  ],
  notification: () => [notificationKeys.all],
};
