import type { RequestDetail, Schemas } from '@/lib/api/types';

import type { TransitionName } from '../api/transition-request';

/**
 * A transition the caller may perform now, as the API serves it in `available_actions`: which
 * transitions exist, from which statuses, for which types and roles is decided by the backend
 * (backend/strongroom/requests/transitions.py) and nowhere here.
 */
export type AvailableAction = Schemas['AvailableAction'];

const PATHS: readonly TransitionName[] = [
  'approve',
  'reject',
  'send-back',
  'resubmit',
  'cancel',
  'allocate',
  'issue',
  'receive',
  'transfer',
  'destroy',
];

/** The URL segment of a served action, if this client knows how to call it. */
export function transitionPath(action: AvailableAction): TransitionName | undefined {
  return PATHS.find((path) => path === action.path);
}

/** Presentation only: the colour of an action's button and dialog, by the action's name. */
export const ACTION_COLORS: Readonly<Record<string, string>> = {
  approve: 'green',
  reject: 'red',
  send_back: 'orange',
  cancel: 'gray',
  destroy: 'red',
};
/** The colour of every other action (allocate, issue, receive, transfer, ...). */
export const DEFAULT_ACTION_COLOR = 'blue';

export function actionColor(action: Pick<AvailableAction, 'name'>): string {
  return ACTION_COLORS[action.name] ?? DEFAULT_ACTION_COLOR;
}

/** A quiet button for withdrawing one's own request; the others are filled. */
export function actionVariant(action: Pick<AvailableAction, 'name'>): 'default' | 'filled' {
  return action.name === 'cancel' ? 'default' : 'filled';
}

/**
 * The actions signed in a dialog: what the API offers the caller, except resubmitting, which
 * has one button of its own ("Correct and resubmit", the edit page, which also resubmits without
 * a change).
 */
export function dialogActions(
  request: Pick<RequestDetail, 'available_actions'>,
): AvailableAction[] {
  return request.available_actions.filter(
    (action) => action.name !== 'resubmit' && transitionPath(action) !== undefined,
  );
}
