import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api, unwrap } from '@/lib/api/client';

import { notificationKeys } from './notification-keys';

/** POST /notifications/mark-read/ — the given ids, or all when `ids` is omitted. */
export function markRead(ids?: number[]) {
  return unwrap(
    api.POST('/api/v1/notifications/mark-read/', { body: ids === undefined ? {} : { ids } }),
  );
}

export function useMarkRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: markRead,
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: notificationKeys.all });
    },
  });
}
