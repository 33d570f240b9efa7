import { Badge } from '@mantine/core';

import type { CrateStatus } from '@/lib/api/types';
import { humanize } from '@/lib/format';

const COLORS: Record<CrateStatus, string> = {
  PENDING: 'yellow',
  IN_STORAGE: 'green',
  ISSUED: 'violet',
  DESTROYED: 'gray',
};

/** The crate's status in words (colour only repeats it). */
export function CrateStatusBadge({ status }: { status: CrateStatus }) {
  return (
    <Badge color={COLORS[status]} variant="light">
      {humanize(status)}
    </Badge>
  );
}

export function LegalHoldBadge() {
  return (
    <Badge color="red" variant="filled" data-testid="legal-hold-badge">
      Legal hold
    </Badge>
  );
}
