import { useMutation, useQueryClient } from '@tanstack/react-query';

import { publicApi, unwrap } from '@/lib/api/client';
import type { Schemas } from '@/lib/api/types';
import { session } from '@/lib/auth/session';

import { authKeys } from './auth-keys';

export interface LoginInput {
  username: string;
  password: string;
}

export type Session = Schemas['Session'];
export type TwoFactorChallenge = Schemas['TwoFactorChallenge'];
export type LoginResult = Session | TwoFactorChallenge;

export function isChallenge(result: LoginResult): result is TwoFactorChallenge {
  return 'challenge' in result;
}

/** POST /auth/login/ (no token yet, so the client without the session) → tokens and the user,
 *  or (202) the two-factor step that is due: a code, or enrolling an authenticator. */
export function login(input: LoginInput): Promise<LoginResult> {
  return unwrap(publicApi.POST('/api/v1/auth/login/', { body: input }));
}

/** POST /auth/login/two-factor/: the challenge and a code (or a recovery code) → tokens. */
export function loginSecondFactor(body: Schemas['SecondFactorRequest']): Promise<Session> {
  return unwrap(publicApi.POST('/api/v1/auth/login/two-factor/', { body }));
}

/** Start the session the sign-in ended with. */
export function useSessionStart() {
  const queryClient = useQueryClient();
  return (result: Pick<Session, 'access' | 'refresh' | 'user'>) => {
    queryClient.clear();
    queryClient.setQueryData(authKeys.me(), result.user);
    session.setTokens(result.access, result.refresh);
  };
}

export function useLogin() {
  const start = useSessionStart();
  return useMutation({
    mutationFn: login,
    onSuccess: (result) => {
      if (!isChallenge(result)) {
        start(result);
      }
    },
  });
}

export function useLoginSecondFactor() {
  const start = useSessionStart();
  return useMutation({ mutationFn: loginSecondFactor, onSuccess: start });
}
