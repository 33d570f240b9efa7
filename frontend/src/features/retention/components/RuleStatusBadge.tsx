import { Badge } from '@mantine/core';

import { RULE_STATUS_TONES } from '@/components/ui/status-colors';
import type { RetentionRuleStatus } from '@/lib/api/types';
import { humanize } from '@/lib/format';

export function RuleStatusBadge({ status }: { status: RetentionRuleStatus }) {
  return <Badge {...RULE_STATUS_TONES[status]}>{humanize(status)}</Badge>;
}
