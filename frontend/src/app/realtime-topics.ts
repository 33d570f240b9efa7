import { dashboardKeys } from '@/features/dashboard/api/dashboard-keys';
import { notificationKeys } from '@/features/notifications/api/notification-keys';
import { crateKeys, locationKeys, requestKeys } from '@/features/requests/api/request-keys';
import type { RealtimeEvent } from '@/lib/api/types';
import type { TopicKeyMap } from '@/lib/realtime/topics';

function requestIdOf(event: RealtimeEvent): number | null {
  const value = event.data.request_id;
  return typeof value === 'number' ? value : null;
}

/** Which cached queries each live event makes stale. The socket never patches data. */
export const TOPIC_KEYS: TopicKeyMap = {
  request: (event) => [
    requestKeys.lists(),
    requestKeys.detail(Number(event.object_id)),
    dashboardKeys.all,
  ],
  sendback: (event) => {
    const requestId = requestIdOf(event);
    return [
      requestKeys.lists(),
      requestId === null ? requestKeys.details() : requestKeys.detail(requestId),
      dashboardKeys.all,
    ];
  },
  crate: () => [crateKeys.all, requestKeys.details(), dashboardKeys.all],
  location: () => [locationKeys.all, dashboardKeys.all],
  notification: () => [notificationKeys.all],
};
