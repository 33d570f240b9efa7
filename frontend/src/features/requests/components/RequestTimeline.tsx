import { Anchor, Button, Code, Group, List, Stack, Text, Timeline } from '@mantine/core';
import { useId, useState } from 'react';
import { Link } from 'react-router';

import type { Schemas } from '@/lib/api/types';
import { formatDateTime, formatDateTimeUtc } from '@/lib/format';

import { SignatureValidityBadge } from './SignatureValidity';

export type TimelineEntry = Schemas['TimelineEntry'];
export type TimelineSignature = Schemas['TimelineSignature'];
type Person = Schemas['TimelinePerson'];

const ACTION_COLORS: Record<string, string> = {
  'request.send_back': 'orange',
  send_back: 'orange',
  'request.reject': 'red',
  'request.cancel': 'gray',
  'request.approve': 'green',
  'request.destroy': 'dark',
};

/** A name as people know it, the user ID after it in smaller text. */
function PersonName({ person }: { person: Person }) {
  const showUsername = person.username !== '' && person.username !== person.full_name;
  return (
    <>
      <Text span size="sm" fw={500}>
        {person.full_name}
      </Text>
      {showUsername && (
        <Text span size="xs" c="dimmed">
          {' '}
          ({person.username})
        </Text>
      )}
    </>
  );
}

function SignatureLine({ signature }: { signature: TimelineSignature }) {
  return (
    <Group gap={6} wrap="wrap" align="center">
      <Text size="sm">
        Signed “{signature.meaning_label}” by{' '}
        <PersonName
          person={{ full_name: signature.signer_name, username: signature.signer_username }}
        />{' '}
        · {/* A signature's time is part of its manifestation: UTC for every reader. */}
        <time dateTime={signature.signed_at}>{formatDateTimeUtc(signature.signed_at)}</time>
      </Text>
      <SignatureValidityBadge
        status={signature.status}
        valid={signature.valid}
        label={signature.status_label}
      />
    </Group>
  );
}

function RawEvents({ entry }: { entry: TimelineEntry }) {
  const [open, setOpen] = useState(false);
  const id = useId();
  if (entry.events.length === 0) {
    return null;
  }
  return (
    <div>
      <Button
        variant="subtle"
        size="compact-xs"
        px={0}
        aria-expanded={open}
        aria-controls={open ? id : undefined}
        onClick={() => {
          setOpen((shown) => !shown);
        }}
      >
        {open ? 'Hide audit events' : `Show audit events (${String(entry.events.length)})`}
      </Button>
      {open && (
        <List id={id} size="xs" spacing={4} listStyleType="none" aria-label="Audit events">
          {entry.events.map((event) => (
            <List.Item key={event.id}>
              <Text size="xs">
                <Code>{event.action}</Code> · event #{event.id} ·{' '}
                <time dateTime={event.at}>{formatDateTimeUtc(event.at)}</time>
                {event.actor_username !== '' && ` · ${event.actor_username}`}
              </Text>
              {event.reason !== '' && <Text size="xs">Reason: {event.reason}</Text>}
              <Code block fz="xs" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
                {JSON.stringify(event.changes, null, 2)}
              </Code>
            </List.Item>
          ))}
        </List>
      )}
    </div>
  );
}

function Changes({ entry }: { entry: TimelineEntry }) {
  if (entry.changes.length === 0) {
    return null;
  }
  return (
    <List size="sm" spacing={2} aria-label="Changed fields">
      {entry.changes.map((change) => (
        <List.Item key={change.field}>
          <Text span size="sm" fw={500}>
            {change.label}:
          </Text>{' '}
          <Text span size="sm" td="line-through" c="dimmed">
            {change.old}
          </Text>{' '}
          →{' '}
          <Text span size="sm">
            {change.new}
          </Text>
        </List.Item>
      ))}
    </List>
  );
}

function answersSendBack(entry: TimelineEntry): boolean {
  return (
    entry.send_back !== null &&
    (entry.action === 'request.resubmit' || entry.action === 'send_back_resolved')
  );
}

/** The request's history, one entry per action with its signatures, reason and changed fields,
 *  oldest first; each entry's raw audit events a click away. */
export function RequestTimeline({
  timeline,
  auditTrailHref,
}: {
  timeline: readonly TimelineEntry[];
  /** The audit trail filtered to this request (for those who may read it). */
  auditTrailHref?: string | undefined;
}) {
  if (timeline.length === 0) {
    return <Text c="dimmed">No history yet.</Text>;
  }
  return (
    <Stack gap="sm">
      <Timeline active={timeline.length - 1} bulletSize={18} lineWidth={2} aria-label="Timeline">
        {timeline.map((entry) => (
          <Timeline.Item
            key={entry.key}
            color={ACTION_COLORS[entry.action] ?? 'blue'}
            title={<Text fw={600}>{entry.label}</Text>}
            data-testid="timeline-entry"
          >
            <Stack gap={4}>
              <Text size="sm">
                <PersonName person={entry.actor} /> ·{' '}
                <time dateTime={entry.at}>{formatDateTime(entry.at)}</time>
              </Text>
              {entry.reason !== '' && (
                <Text size="sm">
                  {entry.reason_label}: {entry.reason}
                </Text>
              )}
              {answersSendBack(entry) && entry.send_back !== null && (
                <Text size="sm" c="dimmed">
                  Sent back by {entry.send_back.sent_by.full_name}: “{entry.send_back.reason}”
                </Text>
              )}
              <Changes entry={entry} />
              {entry.signatures.map((signature) => (
                <SignatureLine key={signature.id} signature={signature} />
              ))}
              <RawEvents entry={entry} />
            </Stack>
          </Timeline.Item>
        ))}
      </Timeline>
      {auditTrailHref !== undefined && (
        <Anchor component={Link} to={auditTrailHref} size="sm">
          All audit events of this request
        </Anchor>
      )}
    </Stack>
  );
}
