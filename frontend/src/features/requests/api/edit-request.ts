import { useMutation, useQueryClient } from '@tanstack/react-query';

import { documentKeys } from '@/entities/documents/document-keys';
import { api, unwrap } from '@/lib/api/client';
import type { RequestDetail, Schemas } from '@/lib/api/types';
import { invalidateSigningSession, type SignatureBody } from '@/lib/auth/signing-session';
import { markOwnChange } from '@/lib/realtime/own-changes';

import { crateQueryOptions } from '@/entities/crates/get-crate';
import { requestKeys } from './request-keys';
import { transitionRequest } from './transition-request';

export type RequestEditBody = Schemas['PatchedRequestEditRequest'];
/** The corrections of a sent-back request (without the version, which the hook supplies). */
export type RequestCorrections = Omit<RequestEditBody, 'version'>;

/** PATCH /requests/{id}/ — the requester corrects a SENT_BACK request (not signed). */
export function editRequest(id: number, body: RequestEditBody): Promise<RequestDetail> {
  return unwrap(api.PATCH('/api/v1/requests/{id}/', { params: { path: { id } }, body }));
}

export interface EditAndResubmitInput {
  /** The version the form was read at. */
  version: number;
  /** Only what changed; null when nothing did (then only the resubmission is signed). */
  corrections: RequestCorrections | null;
  /** The response to the send-back (the reason of the resubmission). */
  response: string;
  /** The user ID (first signature of a session) and the password, or a re-authentication. */
  signature: SignatureBody;
  /** The request's crate: re-read after its document rows were corrected. */
  crateId?: number;
}

/**
 * Corrects, then resubmits with the requester's signature. The two calls are separate on the
 * server: if the signature is refused, the corrections are saved (the cache holds the new
 * version, and the crate as corrected) and a retry signs only the resubmission.
 */
export function useEditAndResubmit(id: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({
      version,
      corrections,
      response,
      signature,
      crateId,
    }: EditAndResubmitInput) => {
      markOwnChange('request', id);
      let current = version;
      if (corrections !== null) {
        const edited = await editRequest(id, { ...corrections, version });
        if (corrections.new_documents !== undefined && crateId !== undefined) {
          // The crate first: the form re-reads its rows when the request's version moves on.
          await queryClient.query({ ...crateQueryOptions(crateId), staleTime: 0 });
          // Everything under the documents root key: the request page's list of the crate's
          // documents (get-crate-documents) and the documents pages.
          void queryClient.invalidateQueries({ queryKey: documentKeys.all });
        }
        queryClient.setQueryData(requestKeys.detail(id), edited);
        current = edited.version ?? version + 1;
      }
      return transitionRequest(id, 'resubmit', {
        version: current,
        reason: response,
        signature,
      });
    },
    onSuccess: (detail) => {
      markOwnChange('request', id);
      queryClient.setQueryData(requestKeys.detail(id), detail);
      invalidateSigningSession(queryClient);
    },
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: requestKeys.lists() });
    },
  });
}
