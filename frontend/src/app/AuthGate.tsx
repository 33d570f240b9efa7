import { Alert, Button, Center, Loader, Stack } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useSyncExternalStore, type ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';

import { authKeys } from '@/features/auth/api/auth-keys';
import { useMe } from '@/features/auth/api/get-me';
import { idleTimeoutMs, useIdleLogout } from '@/features/auth/api/use-idle-logout';
import { ChangePasswordScreen } from '@/features/auth/components/ChangePasswordScreen';
import { onPasswordChangeRequired } from '@/lib/api/client';
import { CurrentUserContext } from '@/lib/auth/current-user';
import { session } from '@/lib/auth/session';
import { useSigningSession } from '@/lib/auth/signing-session';
import { RealtimeProvider } from '@/lib/realtime/RealtimeProvider';

import { TOPIC_KEYS } from './realtime-topics';

function IdleLogout() {
  useIdleLogout(idleTimeoutMs());
  return null;
}

/** Whether the next signature takes the user ID is known before any signature dialog opens, so
 *  the dialog shows (and focuses) the field from its first frame. */
function SigningSessionPrefetch() {
  useSigningSession();
  return null;
}

/** Signed in, known and with a valid password: then the app, live; otherwise the right screen. */
export function AuthGate({ children }: { children: ReactNode }) {
  const { signedIn } = useSyncExternalStore(session.subscribe, session.getSnapshot);
  const location = useLocation();
  const queryClient = useQueryClient();
  const me = useMe(signedIn);

  useEffect(() => {
    onPasswordChangeRequired(() => {
      void queryClient.invalidateQueries({ queryKey: authKeys.me() });
    });
  }, [queryClient]);

  if (!signedIn) {
    const next = `${location.pathname}${location.search}`;
    return <Navigate to={`/login?next=${encodeURIComponent(next)}`} replace />;
  }
  if (me.isError) {
    return (
      <Center mih="100vh">
        <Stack>
          <Alert color="red" role="alert" title="Your account could not be loaded">
            {me.error.message}
          </Alert>
          <Button onClick={() => void me.refetch()}>Try again</Button>
        </Stack>
      </Center>
    );
  }
  if (me.data === undefined) {
    return (
      <Center mih="100vh">
        <Loader role="status" aria-label="Loading your account" />
      </Center>
    );
  }
  if (me.data.must_change_password) {
    return (
      <>
        <IdleLogout />
        <ChangePasswordScreen fullName={me.data.full_name} />
      </>
    );
  }
  return (
    <CurrentUserContext.Provider value={me.data}>
      <IdleLogout />
      <SigningSessionPrefetch />
      <RealtimeProvider
        topics={TOPIC_KEYS}
        onForbidden={() => void queryClient.invalidateQueries({ queryKey: authKeys.me() })}
      >
        {children}
      </RealtimeProvider>
    </CurrentUserContext.Provider>
  );
}
