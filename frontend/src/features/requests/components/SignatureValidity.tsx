import { Badge, Stack, Text } from '@mantine/core';

import { TONES } from '@/components/ui/status-colors';

import {
  signatureTone,
  signatureValidityExplanation,
  signatureValidityLabel,
  type SignatureStatus,
} from './signature-validity';

/**
 * A signature's validity. Valid is green; superseded by a later version is grey (neutral: an
 * audited correction, not a fault); any other status is red and says why, in full — the label
 * wraps rather than being cut off, with the explanation under it.
 */
export function SignatureValidityBadge({
  status,
  valid,
  supersededByVersion,
}: {
  status?: SignatureStatus | undefined;
  valid: boolean;
  supersededByVersion?: number | null | undefined;
}) {
  const tone = signatureTone(status, valid);
  const explanation = signatureValidityExplanation(status);
  return (
    <Stack gap={2} align="flex-start" data-tone={tone}>
      <Badge
        color={TONES[tone].color}
        variant={TONES[tone].variant}
        tt="none"
        title={explanation}
        h="auto"
        maw="100%"
        styles={{ label: { whiteSpace: 'normal', overflow: 'visible', textOverflow: 'clip' } }}
      >
        {signatureValidityLabel(status, valid, supersededByVersion)}
      </Badge>
      {tone === 'invalid' && explanation !== undefined && (
        <Text size="xs" c="red.8">
          {explanation}
        </Text>
      )}
    </Stack>
  );
}
