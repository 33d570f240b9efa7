import { api, unwrap } from '@/lib/api/client';
import type { CrateDetail } from '@/lib/api/types';

/**
 * GET /crates/lookup/?code= — the crate a scanner (or a person) read. The server normalises
 * the code and verifies its check digit: a wrong one answers 400 `invalid_crate_code`, a code
 * outside the caller's units 404.
 */
export function lookupCrate(code: string): Promise<CrateDetail> {
  return unwrap(api.GET('/api/v1/crates/lookup/', { params: { query: { code } } }));
}
