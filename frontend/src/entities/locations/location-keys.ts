/**
 * locationKeys.all → trees → tree(unit, inactive) → details → detail(id); shelves(unit);
 * targetShelves.
 *
 * The one key factory for locations: the locations screens and the request shelf pickers read
 * under this root, so one live `location` (or `crate`: occupancy) event refreshes all of them.
 */
export const locationKeys = {
  all: ['locations'] as const,
  trees: () => [...locationKeys.all, 'tree'] as const,
  tree: (unit: number | null, includeInactive: boolean) =>
    [...locationKeys.trees(), { unit, includeInactive }] as const,
  details: () => [...locationKeys.all, 'detail'] as const,
  detail: (id: number) => [...locationKeys.details(), id] as const,
  /** Active shelves of a unit (allocate / receive dialogs). */
  shelves: (unit: number) => [...locationKeys.all, 'shelves', unit] as const,
  /** Every active shelf the caller may see (a transfer's target, possibly in another unit). */
  targetShelves: () => [...locationKeys.all, 'shelves', 'targets'] as const,
};
