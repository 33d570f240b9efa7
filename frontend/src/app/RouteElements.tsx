import { Alert, Anchor, Stack, Title } from '@mantine/core';
import { useSyncExternalStore, type ReactNode } from 'react';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';

import { LoginScreen } from '@/features/auth/components/LoginScreen';
import { OidcCallbackPage } from '@/features/auth/components/OidcCallbackPage';
import { HealthPanel } from '@/features/health/components/HealthPanel';
import type { Me } from '@/lib/api/types';
import { can } from '@/lib/auth/permissions';
import { useCurrentUser } from '@/lib/auth/current-user';
import { session } from '@/lib/auth/session';
import { useDocumentTitle } from '@/lib/use-document-title';

import { AppLayout } from './layout/AppLayout';
import { safeNext } from './safe-next';

export function WithMe({ render }: { render: (me: Me) => ReactNode }) {
  return render(useCurrentUser());
}

export function Layout() {
  return <AppLayout me={useCurrentUser()} />;
}

/** Names the browser tab after a page whose title does not depend on what it loads. */
export function Titled({ title, children }: { title: string; children: ReactNode }) {
  useDocumentTitle(title);
  return children;
}

export function RequirePermission({
  permission,
  children,
}: {
  permission: string;
  children: ReactNode;
}) {
  const me = useCurrentUser();
  const allowed = can(me, permission);
  useDocumentTitle(allowed ? null : 'Not available');
  if (!allowed) {
    return (
      <Alert color="yellow" title="Not available">
        Your role does not allow this page.
      </Alert>
    );
  }
  return children;
}

export function LoginRoute() {
  const { signedIn } = useSyncExternalStore(session.subscribe, session.getSnapshot);
  const [params] = useSearchParams();
  useDocumentTitle(signedIn ? null : 'Sign in');
  if (signedIn) {
    return <Navigate to={safeNext(params.get('next'))} replace />;
  }
  return <LoginScreen next={safeNext(params.get('next'))} />;
}

/** Where the identity provider sends the browser back (public: no session yet). */
export function OidcCallbackRoute() {
  const navigate = useNavigate();
  useDocumentTitle('Signing in');
  return (
    <OidcCallbackPage
      onSignedIn={(next) => {
        void navigate(safeNext(next), { replace: true });
      }}
      onRetry={(next) => {
        void navigate(`/login?next=${encodeURIComponent(safeNext(next))}`, { replace: true });
      }}
    />
  );
}

export function NotFound() {
  useDocumentTitle('Page not found');
  return (
    <Stack>
      <Title order={1} size="h2">
        Page not found
      </Title>
      <Anchor component={Link} to="/">
        Go to the dashboard
      </Anchor>
    </Stack>
  );
}

export function SystemStatus() {
  useDocumentTitle('System status');
  return (
    <Stack>
      <Title order={1} size="h2">
        System status
      </Title>
      <HealthPanel />
    </Stack>
  );
}
