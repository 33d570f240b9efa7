import type { Me } from '@/lib/api/types';

/** Permission codenames the SPA checks (the backend's roles.py matrix; never group names). */
export const PERMISSIONS = {
  viewRequest: 'workflow.view_request',
  raiseRequest: 'workflow.add_request',
  approveRequest: 'workflow.approve_request',
  fulfilRequest: 'workflow.fulfil_request',
  witnessDestruction: 'workflow.witness_destruction',
  viewLocation: 'storage.view_location',
  addLocation: 'storage.add_location',
  changeLocation: 'storage.change_location',
  viewDocument: 'records.view_document',
  placeLegalHold: 'records.place_legal_hold',
  printLabel: 'records.print_label',
  viewAudit: 'compliance.view_audit_trail',
  manageUsers: 'accounts.change_user',
  viewCrate: 'records.view_crate',
  verifyAudit: 'compliance.verify_audit_chain',
  viewUser: 'accounts.view_user',
  addUser: 'accounts.add_user',
  addUnit: 'accounts.add_unit',
  changeUnit: 'accounts.change_unit',
  addDepartment: 'accounts.add_department',
  changeDepartment: 'accounts.change_department',
  accessAllUnits: 'accounts.access_all_units',
  viewRetentionRule: 'records.view_retentionrule',
  addRetentionRule: 'records.add_retentionrule',
  changeRetentionRule: 'records.change_retentionrule',
  approveRetentionRule: 'records.approve_retention_rule',
  viewRetentionEvent: 'records.view_retentionevent',
  recordEventDate: 'records.add_documentevent',
  changeEventDate: 'records.change_documentevent',
  viewBatch: 'disposition.view_destructionbatch',
  prepareBatch: 'disposition.prepare_batch',
  approveBatch: 'disposition.approve_batch',
  destroyBatchItem: 'disposition.destroy_batch_item',
  reviewAuditTrail: 'review.review_audit_trail',
  viewInventoryAudit: 'inventory.view_inventoryaudit',
  runInventoryAudit: 'inventory.run_inventory_audit',
  reconcileInventoryAudit: 'inventory.reconcile_inventory_audit',
} as const;

export function can(me: Pick<Me, 'permissions'> | null | undefined, permission: string): boolean {
  return me?.permissions.includes(permission) ?? false;
}
