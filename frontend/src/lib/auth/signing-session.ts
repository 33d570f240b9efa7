import { useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useContext, useState } from 'react';

import { ApiError } from '@/lib/api-client';
import { api, unwrap } from '@/lib/api/client';
import { fieldErrors } from '@/lib/api/field-errors';
import type { Schemas } from '@/lib/api/types';

import { CurrentUserContext } from './current-user';
import { signingMethodOf, useAuthOptions } from './oidc';
import { abandonReauthentications, reauthenticationPlaceholder } from './reauthenticate';

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

/** The `signature` object of a signed request's body. */
export interface SignatureBody {
  username?: string;
  password: string;
  /** The ticket of a re-authentication at the provider (a placeholder until it is sent). */
  reauthentication?: string;
}

/**
 * How the signed-in user signs, for the signing forms: with a password (theirs, or the signing
 * password a federated user set) or, for a user of the identity provider, by confirming their
 * identity there (`reauthenticateWith` then names the provider for the button).
 */
export function useSigningMethod(): {
  reauthenticateWith: string | null;
  /** The label of the password field: a federated user types their signing password. */
  passwordLabel: string;
} {
  const me = useContext(CurrentUserContext);
  const method = signingMethodOf(me);
  const options = useAuthOptions(method === 'reauthenticate');
  const passwordLabel = method === 'signing_password' ? 'Your signing password' : 'Your password';
  if (method !== 'reauthenticate') {
    return { reauthenticateWith: null, passwordLabel };
  }
  const name = options.data?.oidc_provider_name ?? '';
  return { reauthenticateWith: name === '' ? 'your organisation' : name, passwordLabel };
}

/**
 * The `signature` of a submission: the user ID (when asked for) and the password, or, for a
 * user who signs by re-authenticating, an empty password and the placeholder of a
 * re-authentication (this opens its window: call it in the submit handler itself).
 */
export function signatureOf(
  reauthenticateWith: string | null,
  usernameRequired: boolean,
  values: { username: string; password: string },
): SignatureBody {
  if (reauthenticateWith !== null) {
    return { password: '', reauthentication: reauthenticationPlaceholder() };
  }
  return usernameRequired
    ? { username: values.username.trim(), password: values.password }
    : { password: values.password };
}

export interface SignatureCredentials {
  username: string;
  setUsername: (value: string) => void;
  password: string;
  setPassword: (value: string) => void;
  /** Show (and require) the user ID field. */
  usernameRequired: boolean;
  /** Both components needed are typed (or none is: the user signs by re-authenticating). */
  complete: boolean;
  /** The provider the user re-authenticates with to sign (null: they sign with a password). */
  reauthenticateWith: string | null;
  /** The label of the password field ("Your signing password" for a federated user). */
  passwordLabel: string;
  /** The `signature` object of a signed request's body ({@link signatureOf}: call it in the
   *  submit handler). */
  signature: () => SignatureBody;
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
  /** The provider the user re-authenticates with to sign (null: they sign with a password). */
  reauthenticateWith: string | null;
  /** The label of the password field. */
  passwordLabel: string;
  /** The form's check of the password field: none when the user re-authenticates. */
  checkPassword: (value: string) => string | null;
  /** The `signature` of the submission ({@link signatureOf}). */
  signature: (values: { username: string; password: string }) => SignatureBody;
} {
  const session = useSigningSession();
  const queryClient = useQueryClient();
  const [asked, setAsked] = useState(false);
  const { reauthenticateWith, passwordLabel } = useSigningMethod();
  const usernameRequired =
    reauthenticateWith === null && (asked || session.data?.username_required === true);
  return {
    usernameRequired,
    reauthenticateWith,
    passwordLabel,
    checkPassword: (value: string) =>
      reauthenticateWith === null && value === '' ? 'Enter your password to sign' : null,
    signature: (values) => signatureOf(reauthenticateWith, usernameRequired, values),
    noteError: (error: unknown) => {
      abandonReauthentications(); // a window whose signed request never left closes
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
  const { usernameRequired, noteError, reauthenticateWith, passwordLabel } = useSignerIdPrompt();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  return {
    username,
    setUsername,
    password,
    setPassword,
    usernameRequired,
    reauthenticateWith,
    passwordLabel,
    complete:
      reauthenticateWith !== null ||
      (password !== '' && (!usernameRequired || username.trim() !== '')),
    signature: () => signatureOf(reauthenticateWith, usernameRequired, { username, password }),
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
