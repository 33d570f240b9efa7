import { queryOptions, useQuery } from '@tanstack/react-query';

import { ApiError } from '@/lib/api-client';
import { api, unwrap } from '@/lib/api/client';
import type { Schemas } from '@/lib/api/types';

import { notificationKeys } from './notification-keys';

export type NotificationItem = Schemas['Notification'];

/**
 * GET /notifications/ — the caller's own notifications; `null` when the backend has no such
 * endpoint (404), so the bell stays hidden instead of showing a fake list.
 */
export async function getNotifications(): Promise<NotificationItem[] | null> {
  try {
    const page = await unwrap(
      api.GET('/api/v1/notifications/', { params: { query: { page_size: 20 } } }),
    );
    return page.results;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      return null;
    }
    throw error;
  }
}

export function notificationsQueryOptions() {
  return queryOptions({ queryKey: notificationKeys.list(), queryFn: getNotifications });
}

export function useNotifications() {
  return useQuery(notificationsQueryOptions());
}
