import { Badge } from '@mantine/core';

import { REQUEST_STATUS_TONES, TONES } from '@/components/ui/status-colors';
import type { RequestStatus } from '@/lib/api/types';
import { humanize } from '@/lib/format';

export function RequestStatusBadge({
  status,
  overdue = false,
}: {
  status: RequestStatus;
  overdue?: boolean;
}) {
  return (
    <>
      <Badge {...REQUEST_STATUS_TONES[status]}>{humanize(status)}</Badge>
      {overdue && (
        <Badge {...TONES.overdue} ml={4}>
          Overdue
        </Badge>
      )}
    </>
  );
}
