import type { MantineColor } from '@mantine/core';

import type { CrateStatus, RequestStatus, RetentionRuleStatus, Schemas } from '@/lib/api/types';

/**
 * The colours of every status word on the screens, in one place. Their contrast (text on
 * background, at least 4.5:1) comes from the theme's variantColorResolver (app/theme.ts) and
 * is checked for each entry here by status-colors.test.ts.
 */
export interface BadgeTone {
  color: MantineColor;
  variant: 'light' | 'filled';
}

export const REQUEST_STATUS_TONES: Record<RequestStatus, BadgeTone> = {
  SUBMITTED: { color: 'blue', variant: 'light' },
  APPROVED: { color: 'teal', variant: 'light' },
  ISSUED: { color: 'violet', variant: 'light' },
  SENT_BACK: { color: 'orange', variant: 'light' },
  COMPLETED: { color: 'green', variant: 'light' },
  REJECTED: { color: 'red', variant: 'light' },
  CANCELLED: { color: 'gray', variant: 'light' },
};

export const CRATE_STATUS_TONES: Record<CrateStatus, BadgeTone> = {
  PENDING: { color: 'yellow', variant: 'light' },
  IN_STORAGE: { color: 'green', variant: 'light' },
  ISSUED: { color: 'violet', variant: 'light' },
  DESTROYED: { color: 'gray', variant: 'light' },
  MISSING: { color: 'red', variant: 'light' },
};

export const RULE_STATUS_TONES: Record<RetentionRuleStatus, BadgeTone> = {
  DRAFT: { color: 'yellow', variant: 'light' },
  APPROVED: { color: 'green', variant: 'light' },
  SUPERSEDED: { color: 'gray', variant: 'light' },
  DISCARDED: { color: 'gray', variant: 'light' },
};

export const BATCH_STATUS_TONES: Record<Schemas['BatchStatusEnum'], BadgeTone> = {
  DRAFT: { color: 'gray', variant: 'light' },
  SUBMITTED: { color: 'blue', variant: 'light' },
  APPROVED: { color: 'teal', variant: 'light' },
  IN_PROGRESS: { color: 'violet', variant: 'light' },
  COMPLETED: { color: 'green', variant: 'light' },
  CANCELLED: { color: 'gray', variant: 'light' },
};

/** What became of a crate of a destruction batch. */
export const BATCH_ITEM_STATE_TONES: Record<Schemas['BatchItemStateEnum'], BadgeTone> = {
  PENDING: { color: 'yellow', variant: 'light' },
  DESTROYED: { color: 'gray', variant: 'light' },
  NOT_FOUND: { color: 'red', variant: 'light' },
  DROPPED: { color: 'orange', variant: 'light' },
};

/** An audit-trail review, its flags and the coverage of unit-months (features/review). */
export const REVIEW_STATUS_TONES: Record<Schemas['AuditReviewStatusEnum'], BadgeTone> = {
  OPEN: { color: 'yellow', variant: 'light' },
  SIGNED: { color: 'green', variant: 'light' },
};

export const FLAG_STATE_TONES: Record<Schemas['ReviewFlagStateEnum'], BadgeTone> = {
  OPEN: { color: 'yellow', variant: 'light' },
  ACKNOWLEDGED: { color: 'green', variant: 'light' },
  FINDING: { color: 'red', variant: 'light' },
};

export const COVERAGE_STATUS_TONES: Record<Schemas['CoverageStatusEnum'], BadgeTone> = {
  REVIEWED: { color: 'green', variant: 'light' },
  IN_REVIEW: { color: 'blue', variant: 'light' },
  DUE: { color: 'orange', variant: 'light' },
  OVERDUE: { color: 'red', variant: 'filled' },
};

export const INVENTORY_STATUS_TONES: Record<Schemas['InventoryAuditStatusEnum'], BadgeTone> = {
  OPEN: { color: 'blue', variant: 'light' },
  IN_PROGRESS: { color: 'violet', variant: 'light' },
  RECONCILING: { color: 'orange', variant: 'light' },
  CLOSED: { color: 'green', variant: 'light' },
  CANCELLED: { color: 'gray', variant: 'light' },
};

/** What an inventory audit found of a crate or code. */
export const INVENTORY_RESULT_TONES: Record<Schemas['InventoryResultEnum'], BadgeTone> = {
  FOUND: { color: 'green', variant: 'light' },
  MISPLACED: { color: 'orange', variant: 'light' },
  MISSING: { color: 'red', variant: 'light' },
  UNEXPECTED: { color: 'violet', variant: 'light' },
  UNKNOWN: { color: 'gray', variant: 'light' },
  PENDING: { color: 'yellow', variant: 'light' },
};

/** Other status words: overdue and legal hold stand out filled; the rest are light. */
export const TONES = {
  overdue: { color: 'red', variant: 'filled' },
  late: { color: 'red', variant: 'light' },
  legalHold: { color: 'red', variant: 'filled' },
  dueSoon: { color: 'orange', variant: 'light' },
  valid: { color: 'green', variant: 'light' },
  invalid: { color: 'red', variant: 'filled' },
  superseded: { color: 'gray', variant: 'light' },
  active: { color: 'green', variant: 'light' },
  pending: { color: 'yellow', variant: 'light' },
} as const satisfies Record<string, BadgeTone>;
