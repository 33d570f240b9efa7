/**
 * locationKeys.all → trees → tree(unit, inactive) → details → detail(id).
 *
 * The root is the one the requests feature uses for its shelf pickers, so one live `location`
 * (or `crate`: occupancy) event refreshes every screen showing locations.
 */
export const locationKeys = {
  all: ['locations'] as const,
  trees: () => [...locationKeys.all, 'tree'] as const,
  tree: (unit: number | null, includeInactive: boolean) =>
    [...locationKeys.trees(), { unit, includeInactive }] as const,
  details: () => [...locationKeys.all, 'detail'] as const,
  detail: (id: number) => [...locationKeys.details(), id] as const,
};
