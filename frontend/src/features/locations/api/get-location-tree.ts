import { queryOptions, useQuery } from '@tanstack/react-query';

import { api, unwrap } from '@/lib/api/client';
import type { Schemas } from '@/lib/api/types';

import { locationKeys } from '@/entities/locations/location-keys';

type RawNode = Schemas['LocationNode'];

/** A node of the rooms → racks → shelves tree with its occupancy, children typed. */
export interface LocationNode extends Omit<RawNode, 'children'> {
  children: LocationNode[];
}

/**
 * The schema types `children` loosely (a serializer cannot name itself); the server nests the
 * same node shape, so the tree is re-typed here once.
 */
export function asTree(nodes: readonly RawNode[]): LocationNode[] {
  return nodes.map((node) => ({
    ...node,
    children: asTree(node.children as unknown as RawNode[]),
  }));
}

/** GET /locations/tree/ — nested, with occupancy, one query on the server. */
export async function getLocationTree(
  unit: number | null,
  includeInactive: boolean,
): Promise<LocationNode[]> {
  const query = {
    ...(unit === null ? {} : { unit }),
    ...(includeInactive ? { include_inactive: true } : {}),
  };
  return asTree(await unwrap(api.GET('/api/v1/locations/tree/', { params: { query } })));
}

export function locationTreeQueryOptions(unit: number | null, includeInactive = false) {
  return queryOptions({
    queryKey: locationKeys.tree(unit, includeInactive),
    queryFn: () => getLocationTree(unit, includeInactive),
  });
}

export function useLocationTree(unit: number | null, includeInactive = false) {
  return useQuery(locationTreeQueryOptions(unit, includeInactive));
}

/** Depth-first search for a node by id. */
export function findNode(nodes: readonly LocationNode[], id: number): LocationNode | null {
  for (const node of nodes) {
    if (node.id === id) {
      return node;
    }
    const found = findNode(node.children, id);
    if (found !== null) {
      return found;
    }
  }
  return null;
}
