import { createContext, useContext, useEffect, useRef, useSyncExternalStore } from 'react';

import type { RealtimeEvent } from '@/lib/api/types';

import type { ConnectionState } from './client';

export interface RealtimeContextValue {
  subscribeState: (listener: () => void) => () => void;
  getState: () => ConnectionState;
  addListener: (listener: (event: RealtimeEvent) => void) => () => void;
}

const stopped: RealtimeContextValue = {
  subscribeState: () => () => undefined,
  getState: () => 'stopped',
  addListener: () => () => undefined,
};

export const RealtimeContext = createContext<RealtimeContextValue>(stopped);

export function useConnectionState(): ConnectionState {
  const { subscribeState, getState } = useContext(RealtimeContext);
  return useSyncExternalStore(subscribeState, getState);
}

/** Calls `listener` for every live event (after the caches were invalidated). */
export function useRealtimeEvents(listener: (event: RealtimeEvent) => void): void {
  const { addListener } = useContext(RealtimeContext);
  const ref = useRef(listener);
  useEffect(() => {
    ref.current = listener;
  }, [listener]);
  useEffect(
    () =>
      addListener((event) => {
        ref.current(event);
      }),
    [addListener],
  );
}
