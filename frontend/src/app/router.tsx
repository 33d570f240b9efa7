import { Suspense } from 'react';
import { createBrowserRouter } from 'react-router';

import { PERMISSIONS } from '@/lib/auth/permissions';

import { AuthGate } from './AuthGate';
import {
  AccountPage,
  AdministrationPage,
  AuditDetailPage,
  AuditsListPage,
  AuditTrailPage,
  BatchBuilderPage,
  BatchDetailPage,
  BatchesListPage,
  CoveragePage,
  CrateDetailPage,
  CratesListPage,
  DashboardPage,
  DocumentsSearchPage,
  EditRequestPage,
  EligibleCratesPage,
  EventDatesImportPage,
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
  RetentionForecastPage,
  RetentionRulePage,
  RetentionSchedulePage,
  ReviewPage,
  ReviewsListPage,
  RuleEditorPage,
} from './pages';
import {
  Layout,
  LoginRoute,
  NotFound,
  OidcCallbackRoute,
  RequirePermission,
  SystemStatus,
  Titled,
  WithMe,
} from './RouteElements';

export function createRouter() {
  return createBrowserRouter([
    { path: '/login', element: <LoginRoute /> },
    { path: '/auth/callback', element: <OidcCallbackRoute /> },
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
            <Titled title="Dashboard">
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
            </Titled>
          ),
        },
        {
          path: 'requests',
          element: (
            <RequirePermission permission={PERMISSIONS.viewRequest}>
              <Titled title="Requests">
                <WithMe render={(me) => <RequestsListPage me={me} />} />
              </Titled>
            </RequirePermission>
          ),
        },
        {
          path: 'requests/new/withdrawal',
          element: (
            <RequirePermission permission={PERMISSIONS.raiseRequest}>
              <Titled title="New withdrawal request">
                <WithMe render={(me) => <NewWithdrawalPage me={me} />} />
              </Titled>
            </RequirePermission>
          ),
        },
        {
          path: 'requests/new/storage',
          element: (
            <RequirePermission permission={PERMISSIONS.raiseRequest}>
              <Titled title="New storage request">
                <WithMe render={(me) => <NewStoragePage me={me} />} />
              </Titled>
            </RequirePermission>
          ),
        },
        {
          path: 'requests/new/transfer',
          element: (
            <RequirePermission permission={PERMISSIONS.raiseRequest}>
              <Titled title="New transfer request">
                <WithMe render={(me) => <NewTransferPage me={me} />} />
              </Titled>
            </RequirePermission>
          ),
        },
        {
          path: 'requests/new/destruction',
          element: (
            <RequirePermission permission={PERMISSIONS.raiseRequest}>
              <Titled title="New destruction request">
                <WithMe render={(me) => <NewDestructionPage me={me} />} />
              </Titled>
            </RequirePermission>
          ),
        },
        {
          path: 'requests/:requestId/edit',
          element: (
            <RequirePermission permission={PERMISSIONS.raiseRequest}>
              <Titled title="Correct request">
                <WithMe render={(me) => <EditRequestPage me={me} />} />
              </Titled>
            </RequirePermission>
          ),
        },
        {
          path: 'audit',
          element: (
            <RequirePermission permission={PERMISSIONS.viewAudit}>
              <Titled title="Audit trail">
                <WithMe render={(me) => <AuditTrailPage me={me} />} />
              </Titled>
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
              <Titled title="Crates">
                <WithMe render={(me) => <CratesListPage me={me} />} />
              </Titled>
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
              <Titled title="Locations">
                <WithMe render={(me) => <LocationsPage me={me} />} />
              </Titled>
            </RequirePermission>
          ),
        },
        {
          path: 'locations/new-grid',
          element: (
            <RequirePermission permission={PERMISSIONS.addLocation}>
              <Titled title="Create a grid of locations">
                <WithMe render={(me) => <GridCreatePage me={me} />} />
              </Titled>
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
              <Titled title="Documents">
                <WithMe render={(me) => <DocumentsSearchPage me={me} />} />
              </Titled>
            </RequirePermission>
          ),
        },
        {
          path: 'retention/forecast',
          element: (
            <RequirePermission permission={PERMISSIONS.viewCrate}>
              <Titled title="Retention forecast">
                <WithMe render={(me) => <RetentionForecastPage me={me} />} />
              </Titled>
            </RequirePermission>
          ),
        },
        {
          path: 'retention/eligible',
          element: (
            <RequirePermission permission={PERMISSIONS.viewCrate}>
              <Titled title="Crates eligible for destruction">
                <WithMe render={(me) => <EligibleCratesPage me={me} />} />
              </Titled>
            </RequirePermission>
          ),
        },
        {
          path: 'destruction-batches',
          element: (
            <RequirePermission permission={PERMISSIONS.viewBatch}>
              <Titled title="Destruction batches">
                <WithMe render={(me) => <BatchesListPage me={me} />} />
              </Titled>
            </RequirePermission>
          ),
        },
        {
          path: 'destruction-batches/new',
          element: (
            <RequirePermission permission={PERMISSIONS.prepareBatch}>
              <Titled title="New destruction batch">
                <WithMe render={(me) => <BatchBuilderPage me={me} />} />
              </Titled>
            </RequirePermission>
          ),
        },
        {
          path: 'destruction-batches/:batchId',
          element: (
            <RequirePermission permission={PERMISSIONS.viewBatch}>
              <WithMe render={(me) => <BatchDetailPage me={me} />} />
            </RequirePermission>
          ),
        },
        {
          path: 'audit-reviews',
          element: (
            <RequirePermission permission={PERMISSIONS.viewAudit}>
              <Titled title="Audit-trail reviews">
                <WithMe render={(me) => <ReviewsListPage me={me} />} />
              </Titled>
            </RequirePermission>
          ),
        },
        {
          path: 'inventory-audits',
          element: (
            <RequirePermission permission={PERMISSIONS.viewInventoryAudit}>
              <Titled title="Inventory audits">
                <WithMe render={(me) => <AuditsListPage me={me} />} />
              </Titled>
            </RequirePermission>
          ),
        },
        {
          path: 'audit-reviews/coverage',
          element: (
            <RequirePermission permission={PERMISSIONS.viewAudit}>
              <Titled title="Audit-trail review coverage">
                <WithMe render={(me) => <CoveragePage me={me} />} />
              </Titled>
            </RequirePermission>
          ),
        },
        {
          path: 'audit-reviews/:reviewId',
          element: (
            <RequirePermission permission={PERMISSIONS.viewAudit}>
              <WithMe render={(me) => <ReviewPage me={me} />} />
            </RequirePermission>
          ),
        },
        {
          path: 'inventory-audits/:auditId',
          element: (
            <RequirePermission permission={PERMISSIONS.viewInventoryAudit}>
              <WithMe render={(me) => <AuditDetailPage me={me} />} />
            </RequirePermission>
          ),
        },
        {
          path: 'retention/rules',
          element: (
            <RequirePermission permission={PERMISSIONS.viewRetentionRule}>
              <Titled title="Retention schedule">
                <WithMe render={(me) => <RetentionSchedulePage me={me} />} />
              </Titled>
            </RequirePermission>
          ),
        },
        {
          path: 'retention/rules/new',
          element: (
            <RequirePermission permission={PERMISSIONS.addRetentionRule}>
              <WithMe render={(me) => <RuleEditorPage me={me} />} />
            </RequirePermission>
          ),
        },
        {
          path: 'retention/rules/:ruleId',
          element: (
            <RequirePermission permission={PERMISSIONS.viewRetentionRule}>
              <WithMe render={(me) => <RetentionRulePage me={me} />} />
            </RequirePermission>
          ),
        },
        {
          path: 'retention/rules/:ruleId/edit',
          element: (
            <RequirePermission permission={PERMISSIONS.changeRetentionRule}>
              <WithMe render={(me) => <RuleEditorPage me={me} />} />
            </RequirePermission>
          ),
        },
        {
          path: 'retention/events/import',
          element: (
            <RequirePermission permission={PERMISSIONS.recordEventDate}>
              <Titled title="Event dates">
                <WithMe render={(me) => <EventDatesImportPage me={me} />} />
              </Titled>
            </RequirePermission>
          ),
        },
        {
          path: 'account',
          element: (
            <Titled title="Your account">
              <WithMe render={(me) => <AccountPage me={me} />} />
            </Titled>
          ),
        },
        { path: 'system', element: <SystemStatus /> },
        { path: '*', element: <NotFound /> },
      ],
    },
  ]);
}
