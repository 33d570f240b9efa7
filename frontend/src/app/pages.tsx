import { lazy } from 'react';

// Screens load on first use, so the sign-in page does not wait for every screen's code.
export const DashboardPage = lazy(() =>
  import('@/features/dashboard/components/DashboardPage').then((m) => ({
    default: m.DashboardPage,
  })),
);
export const RequestReviewDrawer = lazy(() =>
  import('@/features/requests/components/RequestReviewDrawer').then((m) => ({
    default: m.RequestReviewDrawer,
  })),
);
export const RequestsListPage = lazy(() =>
  import('@/features/requests/components/RequestsListPage').then((m) => ({
    default: m.RequestsListPage,
  })),
);
export const RequestDetailPage = lazy(() =>
  import('@/features/requests/components/RequestDetailPage').then((m) => ({
    default: m.RequestDetailPage,
  })),
);
export const NewWithdrawalPage = lazy(() =>
  import('@/features/requests/components/NewWithdrawalPage').then((m) => ({
    default: m.NewWithdrawalPage,
  })),
);
export const NewStoragePage = lazy(() =>
  import('@/features/requests/components/NewStoragePage').then((m) => ({
    default: m.NewStoragePage,
  })),
);
export const NewTransferPage = lazy(() =>
  import('@/features/requests/components/NewTransferPage').then((m) => ({
    default: m.NewTransferPage,
  })),
);
export const NewDestructionPage = lazy(() =>
  import('@/features/requests/components/NewDestructionPage').then((m) => ({
    default: m.NewDestructionPage,
  })),
);
export const EditRequestPage = lazy(() =>
  import('@/features/requests/components/EditRequestPage').then((m) => ({
    default: m.EditRequestPage,
  })),
);
export const AuditTrailPage = lazy(() =>
  import('@/features/audit/components/AuditTrailPage').then((m) => ({
    default: m.AuditTrailPage,
  })),
);
export const AdministrationPage = lazy(() =>
  import('@/features/admin/components/AdministrationPage').then((m) => ({
    default: m.AdministrationPage,
  })),
);
export const CratesListPage = lazy(() =>
  import('@/features/crates/components/CratesListPage').then((m) => ({
    default: m.CratesListPage,
  })),
);
export const CrateDetailPage = lazy(() =>
  import('@/features/crates/components/CrateDetailPage').then((m) => ({
    default: m.CrateDetailPage,
  })),
);
export const LocationsPage = lazy(() =>
  import('@/features/locations/components/LocationsPage').then((m) => ({
    default: m.LocationsPage,
  })),
);
export const LocationDetailPage = lazy(() =>
  import('@/features/locations/components/LocationDetailPage').then((m) => ({
    default: m.LocationDetailPage,
  })),
);
export const GridCreatePage = lazy(() =>
  import('@/features/locations/components/GridCreatePage').then((m) => ({
    default: m.GridCreatePage,
  })),
);
export const DocumentsSearchPage = lazy(() =>
  import('@/features/documents/components/DocumentsSearchPage').then((m) => ({
    default: m.DocumentsSearchPage,
  })),
);
export const RetentionSchedulePage = lazy(() =>
  import('@/features/retention/components/RetentionSchedulePage').then((m) => ({
    default: m.RetentionSchedulePage,
  })),
);
export const RetentionRulePage = lazy(() =>
  import('@/features/retention/components/RetentionRulePage').then((m) => ({
    default: m.RetentionRulePage,
  })),
);
export const RuleEditorPage = lazy(() =>
  import('@/features/retention/components/RuleEditorPage').then((m) => ({
    default: m.RuleEditorPage,
  })),
);
export const EventDatesImportPage = lazy(() =>
  import('@/features/retention/components/EventDatesImportPage').then((m) => ({
    default: m.EventDatesImportPage,
  })),
);
export const RetentionForecastPage = lazy(() =>
  import('@/features/retention/components/RetentionForecastPage').then((m) => ({
    default: m.RetentionForecastPage,
  })),
);
export const EligibleCratesPage = lazy(() =>
  import('@/features/retention/components/EligibleCratesPage').then((m) => ({
    default: m.EligibleCratesPage,
  })),
);
export const BatchesListPage = lazy(() =>
  import('@/features/disposition/components/BatchesListPage').then((m) => ({
    default: m.BatchesListPage,
  })),
);
export const BatchBuilderPage = lazy(() =>
  import('@/features/disposition/components/BatchBuilderPage').then((m) => ({
    default: m.BatchBuilderPage,
  })),
);
export const BatchDetailPage = lazy(() =>
  import('@/features/disposition/components/BatchDetailPage').then((m) => ({
    default: m.BatchDetailPage,
  })),
);
export const ReviewsListPage = lazy(() =>
  import('@/features/review/components/ReviewsListPage').then((m) => ({
    default: m.ReviewsListPage,
  })),
);
export const ReviewPage = lazy(() =>
  import('@/features/review/components/ReviewPage').then((m) => ({
    default: m.ReviewPage,
  })),
);
export const CoveragePage = lazy(() =>
  import('@/features/review/components/CoveragePage').then((m) => ({
    default: m.CoveragePage,
  })),
);
export const AuditsListPage = lazy(() =>
  import('@/features/inventory/components/AuditsListPage').then((m) => ({
    default: m.AuditsListPage,
  })),
);
export const AuditDetailPage = lazy(() =>
  import('@/features/inventory/components/AuditDetailPage').then((m) => ({
    default: m.AuditDetailPage,
  })),
);
export const AccountPage = lazy(() =>
  import('@/features/auth/components/AccountPage').then((m) => ({
    default: m.AccountPage,
  })),
);
