import { Badge } from '@mantine/core';

import { CRATE_STATUS_TONES, TONES } from '@/components/ui/status-colors';
import type { CrateStatus } from '@/lib/api/types';
import { humanize } from '@/lib/format';

/** The crate's status in words (colour only repeats it). */
export function CrateStatusBadge({ status }: { status: CrateStatus }) {
  return <Badge {...CRATE_STATUS_TONES[status]}>{humanize(status)}</Badge>;
}

export function LegalHoldBadge() {
  return (
    <Badge {...TONES.legalHold} data-testid="legal-hold-badge">
      Legal hold
    </Badge>
  );
}
