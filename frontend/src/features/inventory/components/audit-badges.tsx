import { Badge } from '@mantine/core';

import { INVENTORY_RESULT_TONES, INVENTORY_STATUS_TONES } from '@/components/ui/status-colors';
import { humanize } from '@/lib/format';

import type { AuditResultKind, AuditStatus } from '../api/types';
import { resultWord } from './audit-logic';

export function AuditStatusBadge({ status }: { status: AuditStatus }) {
  return <Badge {...INVENTORY_STATUS_TONES[status]}>{humanize(status)}</Badge>;
}

export function ResultBadge({ result }: { result: AuditResultKind }) {
  return <Badge {...INVENTORY_RESULT_TONES[result]}>{resultWord(result)}</Badge>;
}
