import { useMutation, useQueryClient } from '@tanstack/react-query';

import { crateKeys } from '@/entities/crates/crate-keys';
import { lookupCrate } from '@/entities/crates/lookup-crate';

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
