import type { Me, RetentionRule } from '@/lib/api/types';
import { PERMISSIONS, can } from '@/lib/auth/permissions';

export interface RuleActions {
  /** "Edit": a draft in place, or an approved rule into its next (draft) version. */
  edit: 'draft' | 'new-version' | null;
  /** The draft version of an approved rule, where there is one (edit that instead). */
  openDraft: RetentionRule | null;
  approve: boolean;
  /** Why an approver may not approve this draft (they drafted it), else null. */
  approveRefusal: string | null;
  discard: boolean;
}

/** What the caller may do with a rule version, by role, status and who drafted it. */
export function ruleActions(me: Me, rule: RetentionRule, versions: RetentionRule[]): RuleActions {
  const change = can(me, PERMISSIONS.changeRetentionRule);
  const approver = can(me, PERMISSIONS.approveRetentionRule);
  const draft = rule.status === 'DRAFT';
  const openDraft =
    rule.status === 'APPROVED'
      ? (versions.find((v) => v.status === 'DRAFT' && v.code === rule.code) ?? null)
      : null;
  const ownDraft = draft && rule.drafted_by === me.id;
  let edit: RuleActions['edit'] = null;
  if (change && draft) {
    edit = 'draft';
  } else if (change && rule.status === 'APPROVED' && openDraft === null) {
    edit = 'new-version';
  }
  return {
    edit,
    openDraft,
    approve: approver && draft && !ownDraft,
    approveRefusal:
      approver && ownDraft ? 'You drafted this version: someone else approves it.' : null,
    discard: change && draft,
  };
}
