import { Badge } from '@mantine/core';

import {
  COVERAGE_STATUS_TONES,
  FLAG_STATE_TONES,
  REVIEW_STATUS_TONES,
  TONES,
} from '@/components/ui/status-colors';
import { humanize } from '@/lib/format';

import type { CoverageStatus, FlagState, ReviewSignature, ReviewStatus } from '../api/types';

export function ReviewStatusBadge({ status }: { status: ReviewStatus }) {
  return <Badge {...REVIEW_STATUS_TONES[status]}>{humanize(status)}</Badge>;
}

const FLAG_WORDS: Record<FlagState, string> = {
  OPEN: 'Open',
  ACKNOWLEDGED: 'Acknowledged',
  FINDING: 'Finding',
};

export function FlagStateBadge({ state }: { state: FlagState }) {
  return <Badge {...FLAG_STATE_TONES[state]}>{FLAG_WORDS[state]}</Badge>;
}

export function CoverageStatusBadge({ status }: { status: CoverageStatus }) {
  return <Badge {...COVERAGE_STATUS_TONES[status]}>{humanize(status)}</Badge>;
}

export function SignatureStatusBadge({ signature }: { signature: ReviewSignature }) {
  if (signature.status === 'valid') {
    return <Badge {...TONES.valid}>Valid</Badge>;
  }
  if (signature.status === 'superseded') {
    return <Badge {...TONES.superseded}>Superseded</Badge>;
  }
  return <Badge {...TONES.invalid}>Invalid — {humanize(signature.status).toLowerCase()}</Badge>;
}
