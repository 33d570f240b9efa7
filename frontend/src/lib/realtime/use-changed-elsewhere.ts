import { notifications } from '@mantine/notifications';

import type { RealtimeEvent } from '@/lib/api/types';

import { useRealtimeEvents } from './context';
import { isOwnChange } from './own-changes';

/**
 * Tells the person on a detail screen that the object they look at was changed by someone
 * else: a live event of `topic` for object `id` that this tab did not cause (see
 * {@link isOwnChange}) shows a "Changed by someone else" notification whose text `describe`
 * writes. The caches were already invalidated, so the screen shows the new values.
 */
export function useChangedElsewhere(
  topic: RealtimeEvent['topic'],
  id: number,
  describe: (event: RealtimeEvent) => string,
): void {
  useRealtimeEvents((event) => {
    if (event.topic !== topic || event.object_id !== String(id) || isOwnChange(topic, id)) {
      return;
    }
    notifications.show({
      id: `${topic}-changed-${String(id)}-${String(event.id)}`,
      color: 'blue',
      title: 'Changed by someone else',
      message: describe(event),
    });
  });
}
