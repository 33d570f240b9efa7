import { createBrowserRouter } from 'react-router';

import { PERMISSIONS } from '@/lib/auth/permissions';

import { AuthGate } from './AuthGate';
import {
  CrateDetailPage,
  CratesListPage,
  DashboardPage,
  DocumentsSearchPage,
  GridCreatePage,
  LocationDetailPage,
  LocationsPage,
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
        {
          path: 'crates',
          element: (
            <RequirePermission permission={PERMISSIONS.viewCrate}>
              <WithMe render={(me) => <CratesListPage me={me} />} />
            </RequirePermission>
          ),
        },
        {
          path: 'crates/:crateId',
          element: (
            <RequirePermission permission={PERMISSIONS.viewCrate}>
              <WithMe render={(me) => <CrateDetailPage me={me} />} />
            </RequirePermission>
          ),
        },
        {
          path: 'locations',
          element: (
            <RequirePermission permission={PERMISSIONS.viewLocation}>
              <WithMe render={(me) => <LocationsPage me={me} />} />
            </RequirePermission>
          ),
        },
        {
          path: 'locations/new-grid',
          element: (
            <RequirePermission permission={PERMISSIONS.addLocation}>
              <WithMe render={(me) => <GridCreatePage me={me} />} />
            </RequirePermission>
          ),
        },
        {
          path: 'locations/:locationId',
          element: (
            <RequirePermission permission={PERMISSIONS.viewLocation}>
              <WithMe render={(me) => <LocationDetailPage me={me} />} />
            </RequirePermission>
          ),
        },
        {
          path: 'documents',
          element: (
            <RequirePermission permission={PERMISSIONS.viewDocument}>
              <WithMe render={(me) => <DocumentsSearchPage me={me} />} />
            </RequirePermission>
          ),
        },
        { path: 'system', element: <SystemStatus /> },
        { path: '*', element: <NotFound /> },
      ],
    },
  ]);
}
