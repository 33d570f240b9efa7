import { Alert, Button, Center, Loader, Paper, Stack, Text, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useEffect, useRef, useState, type ReactNode } from 'react';

import { ApiError } from '@/lib/api-client';
import {
  forgetKeptLogin,
  oidcLoginCallback,
  readKeptLogin,
  REAUTH_MESSAGE_TYPE,
  strongroomOpener,
  type ReauthMessage,
} from '@/lib/auth/oidc';

import { useSessionStart } from '../api/login';

const STATE_LOST =
  'This sign-in was not started in this browser tab, or it was already finished. Start again.';

function Frame({ heading, children }: { heading: string; children: ReactNode }) {
  return (
    <Center mih="100vh" p="md" bg="gray.1">
      <Paper component="main" withBorder shadow="sm" p="xl" w={440} maw="100%">
        <Stack>
          <Title order={1} size="h2">
            {heading}
          </Title>
          {children}
        </Stack>
      </Paper>
    </Center>
  );
}

/** In the re-authentication window: hands the provider's answer to the opener and closes. */
function ReauthenticationAnswer({ opener, params }: { opener: Window; params: URLSearchParams }) {
  const posted = useRef(false);
  useEffect(() => {
    if (posted.current) {
      return;
    }
    posted.current = true;
    const state = params.get('state') ?? '';
    const code = params.get('code');
    const message: ReauthMessage =
      code === null
        ? {
            type: REAUTH_MESSAGE_TYPE,
            state,
            error: params.get('error') ?? 'no_code',
            error_description: params.get('error_description') ?? '',
          }
        : { type: REAUTH_MESSAGE_TYPE, state, code };
    // Only to a window of this origin; the code is worth nothing without this user's session.
    opener.postMessage(message, window.location.origin);
    window.close();
  }, [opener, params]);
  return (
    <Frame heading="Identity confirmation">
      <Text role="status">Your answer went back to Strongroom; this window closes now.</Text>
    </Frame>
  );
}

type LoginCheck =
  | { kind: 'exchange'; state: string; code: string; next: string }
  | { kind: 'failed'; message: string; next: string };

/** What the provider's answer and the state this tab kept allow: a code to trade, or why not. */
function checkLoginAnswer(params: URLSearchParams): LoginCheck {
  const kept = readKeptLogin();
  const next = kept?.next ?? '/';
  const error = params.get('error');
  if (error !== null) {
    const description = params.get('error_description') ?? '';
    return {
      kind: 'failed',
      message: `Your organisation's sign-in did not sign you in (${error})${description === '' ? '.' : `: ${description}`}`,
      next,
    };
  }
  const state = params.get('state');
  const code = params.get('code');
  if (kept === null || state === null || code === null || kept.state !== state) {
    return { kind: 'failed', message: STATE_LOST, next };
  }
  return { kind: 'exchange', state, code, next };
}

/** In the tab that signs in: checks the state it kept, trades the code for a session. */
function LoginAnswer({
  params,
  onSignedIn,
  onRetry,
}: {
  params: URLSearchParams;
  onSignedIn: (next: string | null) => void;
  onRetry: (next: string) => void;
}) {
  const startSession = useSessionStart();
  const [check] = useState(() => checkLoginAnswer(params));
  const started = useRef(false);
  const exchange = useMutation({
    mutationFn: oidcLoginCallback,
    onSuccess: (result) => {
      startSession(result);
      onSignedIn(result.next === '' ? check.next : result.next);
    },
  });
  const { mutate } = exchange;
  useEffect(() => {
    if (started.current) {
      return;
    }
    started.current = true;
    forgetKeptLogin(); // an attempt is finished once, whatever its outcome
    if (check.kind === 'exchange') {
      mutate({ state: check.state, code: check.code });
    }
  }, [check, mutate]);

  let failure: string | null = check.kind === 'failed' ? check.message : null;
  if (exchange.isError) {
    const error = exchange.error;
    failure =
      error instanceof ApiError && error.code === 'oidc_state_invalid'
        ? `${error.message} ${STATE_LOST}`
        : error.message;
  }
  if (failure !== null) {
    return (
      <Frame heading="Sign-in failed">
        <Alert color="red" role="alert" title="You are not signed in">
          {failure}
        </Alert>
        <Button
          onClick={() => {
            onRetry(check.next);
          }}
        >
          Try again
        </Button>
      </Frame>
    );
  }
  return (
    <Frame heading="Signing in">
      <Text role="status">
        <Loader size="xs" mr="xs" />
        Finishing your sign-in…
      </Text>
    </Frame>
  );
}

interface OidcCallbackPageProps {
  /** Signed in: go where the user was going (the server's echo of `next`, to be sanitised). */
  onSignedIn: (next: string | null) => void;
  /** Back to the sign-in page, keeping where the user was going. */
  onRetry: (next: string) => void;
}

/**
 * /auth/callback, where the provider sends the browser back. In the window a signing form opened
 * it only passes the answer to that form's window; in a tab signing in it finishes the sign-in.
 */
export function OidcCallbackPage({ onSignedIn, onRetry }: OidcCallbackPageProps) {
  const [params] = useState(() => new URLSearchParams(window.location.search));
  const [opener] = useState(strongroomOpener);
  if (opener !== null) {
    return <ReauthenticationAnswer opener={opener} params={params} />;
  }
  return <LoginAnswer params={params} onSignedIn={onSignedIn} onRetry={onRetry} />;
}
