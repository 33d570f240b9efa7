import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api, publicApi, unwrap } from '@/lib/api/client';
import type { Schemas } from '@/lib/api/types';

import { authKeys } from './auth-keys';

export type Enrolment = Schemas['TwoFactorEnrolment'];
export type EnrolmentResult = Schemas['TwoFactorEnrolmentResult'];

/** Start enrolling an authenticator: at sign-in with the enrolment challenge (no session yet),
 *  or signed in (voluntarily). */
export function enrolmentStart(challenge: string | null): Promise<Enrolment> {
  return challenge === null
    ? unwrap(api.POST('/api/v1/auth/two-factor/enrolment/', { body: {} }))
    : unwrap(publicApi.POST('/api/v1/auth/two-factor/enrolment/', { body: { challenge } }));
}

export function enrolmentConfirm(input: {
  challenge: string | null;
  code: string;
}): Promise<EnrolmentResult> {
  const path = '/api/v1/auth/two-factor/enrolment/confirm/';
  return input.challenge === null
    ? unwrap(api.POST(path, { body: { code: input.code } }))
    : unwrap(publicApi.POST(path, { body: { challenge: input.challenge, code: input.code } }));
}

export function useEnrolmentStart() {
  return useMutation({ mutationFn: enrolmentStart });
}

/** The caller refreshes the user (two-factor is on) once the recovery codes were seen: the
 *  account page would otherwise swap the codes for its "on" state before they are read. */
export function useEnrolmentConfirm() {
  return useMutation({ mutationFn: enrolmentConfirm });
}

export function useMeRefresh() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: authKeys.me() });
}

export function useRecoveryCodesRegenerate() {
  return useMutation({
    mutationFn: (body: Schemas['TwoFactorCodeRequest']) =>
      unwrap(api.POST('/api/v1/auth/two-factor/recovery-codes/', { body })),
  });
}

export function useTwoFactorDisable() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: Schemas['TwoFactorDisableRequest']) => {
      await unwrap(api.POST('/api/v1/auth/two-factor/disable/', { body }));
    },
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: authKeys.me() });
    },
  });
}
