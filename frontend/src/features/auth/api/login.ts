import { useMutation, useQueryClient } from '@tanstack/react-query';

import { ApiError, errorMessage, readBody } from '@/lib/api-client';
import type { Schemas } from '@/lib/api/types';
import { session } from '@/lib/auth/session';

import { authKeys } from './auth-keys';

export interface LoginInput {
  username: string;
  password: string;
}

/** POST /auth/login/ (no token yet, so plain fetch) → tokens and the user. */
export async function login(input: LoginInput): Promise<Schemas['Session']> {
  const response = await fetch('/api/v1/auth/login/', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify(input),
  });
  const body = await readBody(response);
  if (!response.ok) {
    throw new ApiError(response.status, errorMessage(response, body), body);
  }
  return body as Schemas['Session'];
}

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: login,
    onSuccess: (result) => {
      queryClient.clear();
      queryClient.setQueryData(authKeys.me(), result.user);
      session.setTokens(result.access, result.refresh);
    },
  });
}
