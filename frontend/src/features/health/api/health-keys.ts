/** Query-key factory for the health feature: invalidate `healthKeys.all` to refresh both checks. */
export const healthKeys = {
  all: ['health'] as const,
  liveness: () => [...healthKeys.all, 'healthz'] as const,
  readiness: () => [...healthKeys.all, 'readyz'] as const,
};

/** How often the landing page re-checks the backend while it is open. */
export const HEALTH_REFETCH_INTERVAL_MS = 15_000;
