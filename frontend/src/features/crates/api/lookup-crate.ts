import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api, unwrap } from '@/lib/api/client';
import type { CrateDetail } from '@/lib/api/types';

import { crateKeys } from './crate-keys';

/**
 * GET /crates/lookup/?code= — the crate a scanner (or a person) read. The server normalises
 * the code and verifies its check digit: a wrong one answers 400 `invalid_crate_code`, a code
 * outside the caller's units 404.
 */
export function lookupCrate(code: string): Promise<CrateDetail> {
  return unwrap(api.GET('/api/v1/crates/lookup/', { params: { query: { code } } }));
}

/** A lookup is a read, but one the user triggers (Enter, a camera hit): a mutation. */
export function useLookupCrate() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: lookupCrate,
    onSuccess: (crate) => {
      queryClient.setQueryData(crateKeys.detail(crate.id), crate);
    },
  });
}
