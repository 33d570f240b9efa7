/** dashboardKeys.all → summary | tasks. */
export const dashboardKeys = {
  all: ['dashboard'] as const,
  summary: () => [...dashboardKeys.all, 'summary'] as const,
  tasks: () => [...dashboardKeys.all, 'tasks'] as const,
};
