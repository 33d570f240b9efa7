import { createBrowserRouter } from 'react-router';

import { PERMISSIONS } from '@/lib/auth/permissions';

import { AuthGate } from './AuthGate';
import {
  DashboardPage,
  NewStoragePage,
  NewWithdrawalPage,
  RequestDetailPage,
  RequestsListPage,
} from './pages';
import {
  Layout,
  LoginRoute,
  NotFound,
  RequirePermission,
  SystemStatus,
  WithMe,
} from './RouteElements';

export function createRouter() {
  return createBrowserRouter([
    { path: '/login', element: <LoginRoute /> },
    {
      path: '/',
      element: (
        <AuthGate>
          <Layout />
        </AuthGate>
      ),
      children: [
        { index: true, element: <WithMe render={(me) => <DashboardPage me={me} />} /> },
        {
          path: 'requests',
          element: (
            <RequirePermission permission={PERMISSIONS.viewRequest}>
              <WithMe render={(me) => <RequestsListPage me={me} />} />
            </RequirePermission>
          ),
        },
        {
          path: 'requests/new/withdrawal',
          element: (
            <RequirePermission permission={PERMISSIONS.raiseRequest}>
              <WithMe render={(me) => <NewWithdrawalPage me={me} />} />
            </RequirePermission>
          ),
        },
        {
          path: 'requests/new/storage',
          element: (
            <RequirePermission permission={PERMISSIONS.raiseRequest}>
              <WithMe render={(me) => <NewStoragePage me={me} />} />
            </RequirePermission>
          ),
        },
        {
          path: 'requests/:requestId',
          element: (
            <RequirePermission permission={PERMISSIONS.viewRequest}>
              <WithMe render={(me) => <RequestDetailPage me={me} />} />
            </RequirePermission>
          ),
        },
        { path: 'system', element: <SystemStatus /> },
        { path: '*', element: <NotFound /> },
      ],
    },
  ]);
}
