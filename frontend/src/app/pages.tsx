import { lazy } from 'react';

// Screens load on first use, so the sign-in page does not wait for every screen's code.
export const DashboardPage = lazy(() =>
  import('@/features/dashboard/components/DashboardPage').then((m) => ({
    default: m.DashboardPage,
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
