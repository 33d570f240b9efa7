import { api, unwrap } from '@/lib/api/client';
import type { Crate } from '@/lib/api/types';

/** GET /crates/lookup/?code= — exact code (as typed or scanned), check digit verified. */
export function lookupCrate(code: string): Promise<Crate> {
  return unwrap(api.GET('/api/v1/crates/lookup/', { params: { query: { code } } }));
}
