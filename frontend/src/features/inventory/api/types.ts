import type { Schemas } from '@/lib/api/types';

export type AuditListItem = Schemas['InventoryAuditList'];
export type AuditDetail = Schemas['InventoryAuditDetail'];
export type AuditStatus = Schemas['InventoryAuditStatusEnum'];
export type AuditShelf = Schemas['InventoryShelf'];
export type AuditResult = Schemas['InventoryResult'];
export type AuditResultKind = Schemas['InventoryResultEnum'];
export type AuditAction = Schemas['InventoryAuditAction'];
export type AuditSignature = Schemas['InventorySignature'];
export type AuditScan = Schemas['InventoryScan'];
export type ScanOutcome = Schemas['InventoryScanOutcome'];
export type ReconcileAction = Schemas['ReconcileActionEnum'];
export type CycleCountProposal = Schemas['CycleCountProposal'];
