import type { QueryClient, QueryKey } from '@tanstack/react-query';

import type { RealtimeEvent, TopicName } from '@/lib/api/types';

/** For each topic, the query keys an event of that topic makes stale. */
export type TopicKeyMap = Record<TopicName, (event: RealtimeEvent) => QueryKey[]>;

export function invalidateForEvent(
  queryClient: QueryClient,
  topics: TopicKeyMap,
  event: RealtimeEvent,
): QueryKey[] {
  const keys = topics[event.topic](event);
  for (const queryKey of keys) {
    void queryClient.invalidateQueries({ queryKey });
  }
  return keys;
}
