import { queryOptions, useQuery } from '@tanstack/react-query';

import { api, unwrap } from '@/lib/api/client';
import type { CursorPage, Me, Unit } from '@/lib/api/types';

export interface UnitChoice {
  id: number;
  code: string;
  name: string;
}

export const unitKeys = {
  all: ['units'] as const,
  list: () => [...unitKeys.all, 'list'] as const,
};

function getUnits(): Promise<CursorPage<Unit>> {
  return unwrap(api.GET('/api/v1/units/', { params: { query: { page_size: 200 } } }));
}

/**
 * The units a user may filter by: their own (from /auth/me/), or every unit for a user whose
 * role spans all units (their /auth/me/ lists none, so /units/ is asked).
 */
export function useUnitChoices(me: Pick<Me, 'units' | 'all_units'>): UnitChoice[] {
  const units = useQuery(
    queryOptions({ queryKey: unitKeys.list(), queryFn: getUnits, enabled: me.all_units }),
  );
  if (!me.all_units) {
    return me.units.map(({ id, code, name }) => ({ id, code, name }));
  }
  return (units.data?.results ?? []).map(({ id, code, name }) => ({ id, code, name }));
}
