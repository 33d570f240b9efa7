import { ApiError } from '@/lib/api-client';

import { TRANSITION_PATHS, type BatchTransitionPath } from '../api/transition-batch';
import type { BatchAction, BatchDetail, BatchItem } from '../api/types';

/** The signed transitions the API offers the caller now (`available_actions`), that this
 *  client knows how to call; which they are is decided by the server alone. */
export function transitionActions(batch: Pick<BatchDetail, 'available_actions'>): BatchAction[] {
  return batch.available_actions.filter((action) => transitionPath(action) !== undefined);
}

export function transitionPath(action: Pick<BatchAction, 'path'>): BatchTransitionPath | undefined {
  return TRANSITION_PATHS.find((path) => path === action.path);
}

/** The crate actions the API offers (`destroy_item`, `mark_not_found`), if any. */
export function itemAction(
  batch: Pick<BatchDetail, 'available_actions'>,
  name: 'destroy_item' | 'mark_not_found',
): BatchAction | undefined {
  return batch.available_actions.find((action) => action.name === name);
}

/** Presentation only: the colour of a transition's button and dialog. */
const COLORS: Readonly<Record<string, string>> = {
  approve: 'green',
  send_back: 'orange',
  cancel: 'gray',
  complete: 'blue',
  destroy_item: 'red',
};

export function actionColor(action: Pick<BatchAction, 'name'>): string {
  return COLORS[action.name] ?? 'blue';
}

export function actionVariant(action: Pick<BatchAction, 'name'>): 'default' | 'filled' {
  return action.name === 'cancel' ? 'default' : 'filled';
}

/** Items handled: destroyed, not found or dropped (only PENDING ones wait). */
export function handledCount(items: readonly Pick<BatchItem, 'state'>[]): number {
  return items.filter((item) => item.state !== 'PENDING').length;
}

/** A 409 `stale_version`: someone else changed the batch since this page read it. */
export function isStale(error: unknown): boolean {
  return error instanceof ApiError && error.code === 'stale_version';
}

/** Where the crate stands (or last stood): room / rack / shelf, as the pick-list orders them. */
export function place(item: Pick<BatchItem, 'room_code' | 'rack_code' | 'shelf_code'>): string {
  return [item.room_code, item.rack_code, item.shelf_code].map((code) => code ?? '—').join(' / ');
}
