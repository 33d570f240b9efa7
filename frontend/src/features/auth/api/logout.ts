import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api } from '@/lib/api/client';
import { session } from '@/lib/auth/session';

/** POST /auth/logout/ blacklists the refresh token; the local session ends whatever happens. */
export async function logout(reason: string | null = null): Promise<void> {
  const refresh = session.getRefreshToken();
  try {
    if (refresh !== null) {
      await api.POST('/api/v1/auth/logout/', { body: { refresh } });
    }
  } finally {
    session.end(reason);
  }
}

export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (reason: string | null) => logout(reason),
    onSettled: () => {
      queryClient.clear();
    },
  });
}
