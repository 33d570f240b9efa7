import { useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';

import { api, unwrap } from '@/lib/api/client';
import type { RetentionRule, Schemas } from '@/lib/api/types';
import { invalidateSigningSession } from '@/lib/auth/signing-session';
import { markOwnChange } from '@/lib/realtime/own-changes';

import { crateKeys } from '@/entities/crates/crate-keys';
import { documentKeys } from '@/entities/documents/document-keys';
import { retentionKeys } from './retention-keys';

export type RuleCreateBody = Schemas['RetentionRuleCreateRequest'];
export type RuleEditBody = Schemas['PatchedRetentionRuleEditRequest'];
export type RuleApproveBody = Schemas['RetentionRuleApproveRequest'];
export type RuleApproved = Schemas['RetentionRuleApproved'];
export type RecomputeResult = Schemas['RecomputeResult'];

function rulesChanged(queryClient: QueryClient, rule: RetentionRule): void {
  markOwnChange('rule', rule.id); // its live event is ours: no "changed by someone else"
  queryClient.setQueryData(retentionKeys.detail(rule.id), rule);
  void queryClient.invalidateQueries({ queryKey: retentionKeys.lists() });
  void queryClient.invalidateQueries({ queryKey: retentionKeys.versions(rule.code) });
}

/** POST /retention-rules/ — a new rule, drafted as version 1. */
export function useCreateRule() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: RuleCreateBody) => unwrap(api.POST('/api/v1/retention-rules/', { body })),
    onSuccess: (rule) => {
      rulesChanged(queryClient, rule);
    },
  });
}

/**
 * PATCH /retention-rules/{id}/ with the version read: a draft is edited in place (200); an
 * approved rule gets a new draft version (201, another id), which governs once approved.
 */
export function useEditRule(id: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: RuleEditBody) =>
      unwrap(api.PATCH('/api/v1/retention-rules/{id}/', { params: { path: { id } }, body })),
    onSuccess: (rule) => {
      rulesChanged(queryClient, rule);
    },
  });
}

/**
 * POST /retention-rules/{id}/approve/ — signed RULE_APPROVED, not by the drafter: supersedes
 * the approved version and recomputes the documents the rule governs (their crates' destroy
 * dates, hence the forecast and what is eligible for destruction).
 */
export function useApproveRule(id: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: RuleApproveBody) => {
      markOwnChange('rule', id);
      return unwrap(
        api.POST('/api/v1/retention-rules/{id}/approve/', { params: { path: { id } }, body }),
      );
    },
    onSuccess: (approved) => {
      rulesChanged(queryClient, approved.rule);
      // The version it replaces is superseded now (the approved one is up to date already).
      void queryClient.invalidateQueries({
        queryKey: retentionKeys.details(),
        predicate: (query) => query.queryKey.at(-1) !== approved.rule.id,
      });
      void queryClient.invalidateQueries({ queryKey: documentKeys.all });
      void queryClient.invalidateQueries({ queryKey: crateKeys.all });
      invalidateSigningSession(queryClient);
    },
  });
}

/** POST /retention-rules/{id}/discard/ — a draft given up, with a reason (kept for the record). */
export function useDiscardRule(id: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: Schemas['RetentionRuleDiscardRequest']) =>
      unwrap(api.POST('/api/v1/retention-rules/{id}/discard/', { params: { path: { id } }, body })),
    onSuccess: (rule) => {
      rulesChanged(queryClient, rule);
    },
  });
}
