import { Badge, Stack, Text } from '@mantine/core';

import { TONES } from '@/components/ui/status-colors';

import {
  signatureTone,
  signatureValidityExplanation,
  type SignatureStatus,
} from './signature-validity';

/**
 * A signature's validity, in the server's words (``label``: the signature's status_display, a
 * timeline signature's status_label — "Superseded by version N" included). Valid is green;
 * superseded by a later version is grey (neutral: an audited correction, not a fault); any other
 * status is red and says why, in full — the label wraps rather than being cut off, with the
 * explanation under it. The request page's signature table and its timeline both show this.
 */
export function SignatureValidityBadge({
  status,
  valid,
  label,
}: {
  status?: SignatureStatus | undefined;
  valid: boolean;
  label: string;
}) {
  const tone = signatureTone(status, valid);
  const explanation = signatureValidityExplanation(status);
  return (
    <Stack gap={2} align="flex-start">
      <Badge
        {...TONES[tone]}
        data-tone={tone}
        data-status={status}
        tt="none"
        title={explanation}
        h="auto"
        maw="100%"
        py={2}
        styles={{ label: { whiteSpace: 'normal', overflow: 'visible', textOverflow: 'clip' } }}
      >
        {label}
      </Badge>
      {tone === 'invalid' && explanation !== undefined && (
        <Text size="xs" c="red.8">
          {explanation}
        </Text>
      )}
    </Stack>
  );
}
