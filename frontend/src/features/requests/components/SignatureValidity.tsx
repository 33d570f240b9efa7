import { Badge } from '@mantine/core';

import {
  signatureValidityExplanation,
  signatureValidityLabel,
  type SignatureStatus,
} from './signature-validity';

/** A signature's validity, with the reason when it is not valid. */
export function SignatureValidityBadge({
  status,
  valid,
}: {
  status?: SignatureStatus | undefined;
  valid: boolean;
}) {
  const ok = status === undefined ? valid : status === 'valid';
  return (
    <Badge
      color={ok ? 'green' : 'red'}
      variant={ok ? 'light' : 'filled'}
      tt="none"
      title={signatureValidityExplanation(status)}
    >
      {signatureValidityLabel(status, valid)}
    </Badge>
  );
}
