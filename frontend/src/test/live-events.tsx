import type { QueryClient } from '@tanstack/react-query';
import { act } from '@testing-library/react';
import type { ReactElement } from 'react';

import { TOPIC_KEYS } from '@/app/realtime-topics';
import type { RealtimeEvent } from '@/lib/api/types';
import { RealtimeContext, type RealtimeContextValue } from '@/lib/realtime/context';
import { invalidateForEvent } from '@/lib/realtime/topics';

import { createTestQueryClient, renderWithProviders } from './render';

/** A live event as the socket delivers it (tests only). */
export function liveEvent(
  topic: RealtimeEvent['topic'],
  objectId: number,
  data: Record<string, unknown> = {},
  id = 1,
): RealtimeEvent {
  return {
    id,
    type: 'event',
    topic,
    action: 'updated',
    object_id: String(objectId),
    unit_id: null,
    version: 2,
    data,
    at: '',
  };
}

/**
 * Renders `ui` under a live stream the test drives: `send(event)` does what RealtimeProvider
 * does with an event from the socket — invalidate the queries of the app's TOPIC_KEYS, then
 * call the screens' listeners.
 */
export function renderWithLiveEvents(ui: ReactElement) {
  const queryClient: QueryClient = createTestQueryClient();
  const listeners = new Set<(event: RealtimeEvent) => void>();
  const realtime: RealtimeContextValue = {
    subscribeState: () => () => undefined,
    getState: () => 'online',
    addListener: (listener) => {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
  const rendered = renderWithProviders(
    <RealtimeContext.Provider value={realtime}>{ui}</RealtimeContext.Provider>,
    queryClient,
  );
  const send = (event: RealtimeEvent) => {
    act(() => {
      invalidateForEvent(queryClient, TOPIC_KEYS, event);
      for (const listener of listeners) {
        listener(event);
      }
    });
  };
  return { ...rendered, send };
}
