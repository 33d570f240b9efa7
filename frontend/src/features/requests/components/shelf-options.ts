import type { Location } from '@/lib/api/types';

export interface ShelfOptionGroup {
  group: string;
  items: { value: string; label: string; disabled: boolean }[];
}

/**
 * Shelves as a grouped select offers them: by unit, with their free places; the crate's own
 * shelf and full shelves cannot be chosen.
 */
export function shelfOptions(
  shelves: readonly Location[],
  currentShelfId: number | null,
): ShelfOptionGroup[] {
  const groups = new Map<string, ShelfOptionGroup>();
  for (const shelf of shelves) {
    const group = groups.get(shelf.unit_code) ?? { group: shelf.unit_code, items: [] };
    const here = shelf.id === currentShelfId;
    group.items.push({
      value: String(shelf.id),
      label: here
        ? `${shelf.full_code} (where it stands now)`
        : `${shelf.full_code} (${String(shelf.free)} free)`,
      disabled: here || shelf.free <= 0,
    });
    groups.set(shelf.unit_code, group);
  }
  return [...groups.values()];
}
