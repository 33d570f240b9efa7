import { describe, expect, it } from 'vitest';

import { makeActions, makeRequest } from '@/test/fixtures';
import { present } from '@/test/stub-api';

import { actionColor, actionVariant, dialogActions, transitionPath } from './request-actions';

describe('dialogActions', () => {
  it('offers what the API serves, in its order, each with its URL segment', () => {
    const request = makeRequest({
      available_actions: makeActions('approve', 'reject', 'send_back'),
    });
    const actions = dialogActions(request);
    expect(actions.map((action) => action.name)).toEqual(['approve', 'reject', 'send_back']);
    expect(actions.map(transitionPath)).toEqual(['approve', 'reject', 'send-back']);
  });

  it('offers nothing the API does not serve', () => {
    expect(dialogActions(makeRequest({ available_actions: [] }))).toEqual([]);
  });

  it('leaves resubmitting to the "Correct and resubmit" page', () => {
    const request = makeRequest({ available_actions: makeActions('resubmit', 'cancel') });
    expect(dialogActions(request).map((action) => action.name)).toEqual(['cancel']);
  });

  it('leaves out an action this client cannot call', () => {
    const unknown = {
      ...present(makeActions('approve')[0], 'approve'),
      name: 'archive',
      path: 'archive',
    };
    const request = makeRequest({ available_actions: [...makeActions('issue'), unknown] });
    expect(dialogActions(request).map((action) => action.name)).toEqual(['issue']);
  });
});

describe('presentation', () => {
  it('colours decisions by their weight and quiets withdrawing', () => {
    const actions = makeActions('approve', 'reject', 'cancel', 'issue');
    expect(actions.map(actionColor)).toEqual(['green', 'red', 'gray', 'blue']);
    expect(actions.map(actionVariant)).toEqual(['filled', 'filled', 'default', 'filled']);
  });
});
