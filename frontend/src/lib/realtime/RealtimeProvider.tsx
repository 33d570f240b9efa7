import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState, type ReactNode } from 'react';

import { currentAccessToken, refreshAccessToken } from '@/lib/api/client';
import type { RealtimeEvent } from '@/lib/api/types';
import { session } from '@/lib/auth/session';

import { RealtimeClient, eventsUrl } from './client';
import { RealtimeContext, type RealtimeContextValue } from './context';
import { invalidateForEvent, type TopicKeyMap } from './topics';

interface RealtimeProviderProps {
  topics: TopicKeyMap;
  children: ReactNode;
  /** 4403: e.g. refetch /auth/me/ to show the password-change screen. */
  onForbidden?: () => void;
}

/** Opens the socket while mounted (i.e. while signed in) and invalidates queries per event. */
export function RealtimeProvider({ topics, children, onForbidden }: RealtimeProviderProps) {
  const queryClient = useQueryClient();
  const [listeners] = useState(() => new Set<(event: RealtimeEvent) => void>());
  const [client] = useState(
    () =>
      new RealtimeClient({
        url: eventsUrl(),
        getToken: currentAccessToken,
        refreshToken: refreshAccessToken,
        onEvent: (event) => {
          invalidateForEvent(queryClient, topics, event);
          for (const listener of listeners) {
            listener(event);
          }
        },
        onResync: () => {
          void queryClient.invalidateQueries();
        },
        onForbidden: () => onForbidden?.(),
      }),
  );

  useEffect(() => {
    client.start();
    const unsubscribe = session.onAccessToken((token) => {
      client.reauthenticate(token);
    });
    return () => {
      unsubscribe();
      client.stop();
    };
  }, [client]);

  const value = useMemo<RealtimeContextValue>(
    () => ({
      subscribeState: client.subscribe,
      getState: client.getState,
      addListener: (listener) => {
        listeners.add(listener);
        return () => {
          listeners.delete(listener);
        };
      },
    }),
    [client, listeners],
  );

  return <RealtimeContext.Provider value={value}>{children}</RealtimeContext.Provider>;
}
