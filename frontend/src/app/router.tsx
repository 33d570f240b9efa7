import { Suspense } from 'react';
import { createBrowserRouter } from 'react-router';

import { PERMISSIONS } from '@/lib/auth/permissions';

import { AuthGate } from './AuthGate';
import {
  AdministrationPage,
  AuditTrailPage,
  CrateDetailPage,
  CratesListPage,
  DashboardPage,
  DocumentsSearchPage,
  EditRequestPage,
  GridCreatePage,
  LocationDetailPage,
  LocationsPage,
  NewDestructionPage,
  NewTransferPage,
  NewStoragePage,
  NewWithdrawalPage,
  RequestDetailPage,
  RequestReviewDrawer,
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
        {
          index: true,
          element: (
            <WithMe
              render={(me) => (
                <DashboardPage
                  me={me}
                  review={(props) => (
                    <Suspense fallback={null}>
                      <RequestReviewDrawer me={me} {...props} />
                    </Suspense>
                  )}
                />
              )}
            />
          ),
        },
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
          path: 'requests/new/transfer',
          element: (
            <RequirePermission permission={PERMISSIONS.raiseRequest}>
              <WithMe render={(me) => <NewTransferPage me={me} />} />
            </RequirePermission>
          ),
        },
        {
          path: 'requests/new/destruction',
          element: (
            <RequirePermission permission={PERMISSIONS.raiseRequest}>
              <WithMe render={(me) => <NewDestructionPage me={me} />} />
            </RequirePermission>
          ),
        },
        {
          path: 'requests/:requestId/edit',
          element: (
            <RequirePermission permission={PERMISSIONS.raiseRequest}>
              <WithMe render={(me) => <EditRequestPage me={me} />} />
            </RequirePermission>
          ),
        },
        {
          path: 'audit',
          element: (
            <RequirePermission permission={PERMISSIONS.viewAudit}>
              <WithMe render={(me) => <AuditTrailPage me={me} />} />
            </RequirePermission>
          ),
        },
        {
          // Not /admin: that is Django's admin site, proxied to the backend.
          path: 'administration/*',
          element: (
            <RequirePermission permission={PERMISSIONS.viewUser}>
              <WithMe render={(me) => <AdministrationPage me={me} />} />
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
