import { Badge } from '@mantine/core';

import type { RequestStatus } from '@/lib/api/types';
import { humanize } from '@/lib/format';

const COLORS: Record<RequestStatus, string> = {
  SUBMITTED: 'blue',
  APPROVED: 'teal',
  ISSUED: 'violet',
  SENT_BACK: 'orange',
  COMPLETED: 'green',
  REJECTED: 'red',
  CANCELLED: 'gray',
};

export function RequestStatusBadge({
  status,
  overdue = false,
}: {
  status: RequestStatus;
  overdue?: boolean;
}) {
  return (
    <>
      <Badge color={COLORS[status]} variant="light">
        {humanize(status)}
      </Badge>
      {overdue && (
        <Badge color="red" variant="filled" ml={4}>
          Overdue
        </Badge>
      )}
    </>
  );
}
