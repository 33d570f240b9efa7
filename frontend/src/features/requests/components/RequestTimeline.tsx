import { Badge, Text, Timeline } from '@mantine/core';

import { formatDateTime, formatDateTimeUtc, humanize } from '@/lib/format';

import { isSignatureStatus, type SignatureStatus } from './signature-validity';
import { SignatureValidityBadge } from './SignatureValidity';

interface TimelineEntry {
  kind: string;
  at: string;
  id: number;
  actor: string;
  title: string;
  meaning?: string;
  reason?: string;
  status?: SignatureStatus;
}

function entriesOf(raw: readonly Record<string, unknown>[]): TimelineEntry[] {
  return raw.map((entry, index) => ({
    kind: typeof entry.kind === 'string' ? entry.kind : 'audit',
    at: typeof entry.at === 'string' ? entry.at : '',
    id: typeof entry.id === 'number' ? entry.id : index,
    actor: typeof entry.actor === 'string' ? entry.actor : '',
    title: typeof entry.title === 'string' ? entry.title : '',
    ...(typeof entry.meaning === 'string' ? { meaning: entry.meaning } : {}),
    ...(typeof entry.reason === 'string' && entry.reason !== '' ? { reason: entry.reason } : {}),
    ...(isSignatureStatus(entry.status) ? { status: entry.status } : {}),
  }));
}

const KIND_COLORS: Record<string, string> = {
  signature: 'blue',
  send_back: 'orange',
  send_back_resolved: 'teal',
  audit: 'gray',
};

const KIND_LABELS: Record<string, string> = {
  signature: 'Signature',
  send_back: 'Send-back',
  send_back_resolved: 'Correction',
  audit: 'Audit',
};

/** The request's one history: signatures, send-backs and audit events, oldest first. */
export function RequestTimeline({ timeline }: { timeline: readonly Record<string, unknown>[] }) {
  const entries = entriesOf(timeline);
  if (entries.length === 0) {
    return <Text c="dimmed">No history yet.</Text>;
  }
  return (
    <Timeline active={entries.length - 1} bulletSize={18} lineWidth={2} aria-label="Timeline">
      {entries.map((entry) => (
        <Timeline.Item
          key={`${entry.kind}-${String(entry.id)}`}
          color={KIND_COLORS[entry.kind] ?? 'gray'}
          title={
            <>
              {entry.title}{' '}
              <Badge size="xs" variant="light" color={KIND_COLORS[entry.kind] ?? 'gray'}>
                {KIND_LABELS[entry.kind] ?? humanize(entry.kind)}
              </Badge>
              {entry.status !== undefined && entry.status !== 'valid' && (
                <>
                  {' '}
                  <SignatureValidityBadge status={entry.status} valid={false} />
                </>
              )}
            </>
          }
        >
          <Text size="sm">
            {entry.actor} ·{' '}
            <time dateTime={entry.at}>
              {/* A signature's time is part of its manifestation: UTC for every reader. */}
              {entry.kind === 'signature' ? formatDateTimeUtc(entry.at) : formatDateTime(entry.at)}
            </time>
          </Text>
          {entry.reason !== undefined && (
            <Text size="sm" c="dimmed">
              Reason: {entry.reason}
            </Text>
          )}
        </Timeline.Item>
      ))}
    </Timeline>
  );
}
