import { describe, expect, it } from 'vitest';

import { makeMe, makeRequest } from '@/test/fixtures';

import { availableActions } from './request-actions';

const names = (me: Parameters<typeof availableActions>[0], req = makeRequest()) =>
  availableActions(me, req).map((spec) => spec.action);

const approver = makeMe();
const manager = makeMe({
  id: 2,
  permissions: ['workflow.view_request', 'workflow.add_request'],
});
const storeHead = makeMe({
  id: 3,
  permissions: ['workflow.view_request', 'workflow.fulfil_request'],
});
const viewer = makeMe({ id: 4, permissions: ['workflow.view_request'] });

describe('availableActions', () => {
  it('lets an approver approve, reject or send back a submitted request of someone else', () => {
    expect(names(approver)).toEqual(['approve', 'reject', 'send-back']);
  });

  it('never lets an approver decide their own request', () => {
    expect(names(approver, makeRequest({ requester: approver.id }))).toEqual([]);
  });

  it('lets the requester cancel; a sent-back request resubmits through its edit page only', () => {
    expect(names(manager)).toEqual(['cancel']);
    expect(names(manager, makeRequest({ status: 'SENT_BACK' }))).toEqual(['cancel']);
    expect(names(makeMe({ id: 9, permissions: manager.permissions }))).toEqual([]);
  });

  it('lets the store head issue an approved withdrawal and receive it back', () => {
    expect(names(storeHead, makeRequest({ status: 'APPROVED' }))).toEqual(['issue']);
    expect(names(storeHead, makeRequest({ status: 'ISSUED' }))).toEqual(['receive']);
    expect(names(storeHead, makeRequest({ status: 'APPROVED', type: 'STORAGE' }))).toEqual([
      'allocate',
    ]);
    expect(names(storeHead, makeRequest({ status: 'APPROVED', type: 'DESTRUCTION' }))).toEqual([
      'destroy',
    ]);
  });

  it('gives a viewer nothing, whatever the status', () => {
    for (const status of ['SUBMITTED', 'APPROVED', 'ISSUED', 'SENT_BACK'] as const) {
      expect(names(viewer, makeRequest({ status }))).toEqual([]);
    }
  });

  it('offers nothing on a finished request', () => {
    for (const me of [approver, manager, storeHead]) {
      expect(names(me, makeRequest({ status: 'COMPLETED' }))).toEqual([]);
    }
  });
});
