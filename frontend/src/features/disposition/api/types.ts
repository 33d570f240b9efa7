import type { Schemas } from '@/lib/api/types';

export type BatchListItem = Schemas['BatchList'];
export type BatchDetail = Schemas['BatchDetail'];
export type BatchItem = Schemas['BatchItem'];
export type BatchItemState = Schemas['BatchItemStateEnum'];
export type BatchAction = Schemas['BatchAction'];
export type BatchSignature = Schemas['BatchSignature'];
