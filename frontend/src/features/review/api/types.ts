import type { Schemas } from '@/lib/api/types';

export type ReviewListItem = Schemas['ReviewList'];
export type ReviewDetail = Schemas['ReviewDetail'];
export type ReviewFlag = Schemas['ReviewFlag'];
export type ReviewSignature = Schemas['ReviewSignature'];
export type ReviewStatus = Schemas['AuditReviewStatusEnum'];
export type FlagState = Schemas['ReviewFlagStateEnum'];
export type CoverageRow = Schemas['CoverageRow'];
export type CoverageStatus = Schemas['CoverageStatusEnum'];
export type FlagDecision = Schemas['FlagDecideRequest']['decision'];
