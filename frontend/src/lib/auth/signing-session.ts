import { useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useState } from 'react';

import { ApiError } from '@/lib/api-client';
import { api, unwrap } from '@/lib/api/client';
import { fieldErrors } from '@/lib/api/field-errors';
import type { Schemas } from '@/lib/api/types';

export type SigningSession = Schemas['SigningSession'];

export const signingSessionKey = ['auth', 'signing-session'] as const;

/**
 * 21 CFR 11.200(a)(1): the first signature of a continuous session takes the user ID as well as
 * the password; so does the next one after the idle time. The server says which applies.
 */
export function useSigningSession() {
  return useQuery({
    queryKey: signingSessionKey,
    queryFn: (): Promise<SigningSession> => unwrap(api.GET('/api/v1/auth/signing-session/')),
    staleTime: 0,
  });
}

/** After a signature (or a refusal that says the user ID is needed) the answer has changed. */
export function invalidateSigningSession(queryClient: QueryClient): void {
  void queryClient.invalidateQueries({ queryKey: signingSessionKey });
}

/** The server asks for the user ID: required but missing, or not the signer's own. */
export function isUsernameError(error: unknown): boolean {
  return (
    error instanceof ApiError &&
    (error.code === 'signature_username_required' ||
      fieldErrors(error)['signature.username'] !== undefined)
  );
}

/**
 * The refusal was about the signer's password: the server said it is wrong, or refused the
 * signer (a 403 naming no other field: a failed signature, a locked account). Only then is the
 * password typed emptied; a refusal of the form's content (400), a conflict (409) or a
 * witness's wrong password keeps it, as it keeps every other field, so the person corrects
 * what was wrong and signs again.
 */
export function isPasswordRefusal(error: unknown): boolean {
  if (!(error instanceof ApiError)) {
    return false;
  }
  const fields = Object.keys(fieldErrors(error));
  return (
    fields.includes('signature.password') ||
    (error.status === 403 && fields.every((field) => field.startsWith('signature.')))
  );
}

export interface SignatureCredentials {
  username: string;
  setUsername: (value: string) => void;
  password: string;
  setPassword: (value: string) => void;
  /** Show (and require) the user ID field. */
  usernameRequired: boolean;
  /** Both components needed are typed. */
  complete: boolean;
  /** The `signature` object of a signed request's body. */
  signature: { username?: string; password: string };
  /** Call with a refused submission: asks for the user ID if the server did; the password is
   *  emptied only when the refusal was about it ({@link isPasswordRefusal}); the user ID
   *  typed stays. */
  onError: (error: unknown) => void;
}

/**
 * Whether a signature form shows (and requires) the user ID: the server said so up front, or a
 * submission was refused for it (kept until the form closes). `noteError` takes a refusal and
 * says whether it was about the user ID.
 */
export function useSignerIdPrompt(): {
  usernameRequired: boolean;
  noteError: (error: unknown) => boolean;
} {
  const session = useSigningSession();
  const queryClient = useQueryClient();
  const [asked, setAsked] = useState(false);
  return {
    usernameRequired: asked || session.data?.username_required === true,
    noteError: (error: unknown) => {
      if (!isUsernameError(error)) {
        return false;
      }
      setAsked(true);
      invalidateSigningSession(queryClient);
      return true;
    },
  };
}

/** The identification components of a signature, for forms that hold them in state. */
export function useSignatureCredentials(): SignatureCredentials {
  const { usernameRequired, noteError } = useSignerIdPrompt();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  return {
    username,
    setUsername,
    password,
    setPassword,
    usernameRequired,
    complete: password !== '' && (!usernameRequired || username.trim() !== ''),
    signature: usernameRequired ? { username: username.trim(), password } : { password },
    onError: (error: unknown) => {
      if (!noteError(error) && isPasswordRefusal(error)) {
        setPassword('');
      }
    },
  };
}

/** A refusal's messages for the fields of a signature dialog's form (user ID, password, the
 *  reason, a shelf, and a destruction witness's), so each shows on its field. */
export function signatureFieldErrors(error: unknown): Record<string, string> {
  const server = fieldErrors(error);
  const mapped: Record<string, string | undefined> = {
    username: server['signature.username'],
    password: server['signature.password'],
    reason: server.reason,
    shelf: server.shelf,
    witnessUsername: server['witness.username'] ?? server.witness,
    witnessPassword: server['witness.password'],
  };
  return Object.fromEntries(
    Object.entries(mapped).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}
