import { Badge } from '@mantine/core';

import { BATCH_ITEM_STATE_TONES, BATCH_STATUS_TONES } from '@/components/ui/status-colors';
import { humanize } from '@/lib/format';

import type { BatchStatus } from '../api/batch-keys';
import type { BatchItemState } from '../api/types';

export function BatchStatusBadge({ status }: { status: BatchStatus }) {
  return <Badge {...BATCH_STATUS_TONES[status]}>{humanize(status)}</Badge>;
}

export function ItemStateBadge({ state }: { state: BatchItemState }) {
  return <Badge {...BATCH_ITEM_STATE_TONES[state]}>{humanize(state)}</Badge>;
}
