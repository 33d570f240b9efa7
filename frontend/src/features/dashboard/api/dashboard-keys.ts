/** dashboardKeys.all → summary | tasks | overdue | destructionDue. */
export const dashboardKeys = {
  all: ['dashboard'] as const,
  summary: () => [...dashboardKeys.all, 'summary'] as const,
  tasks: () => [...dashboardKeys.all, 'tasks'] as const,
  overdue: () => [...dashboardKeys.all, 'overdue'] as const,
  destructionDue: (until: string) => [...dashboardKeys.all, 'destruction-due', until] as const,
};
