import { Badge, Text, Timeline } from '@mantine/core';
import { Link } from 'react-router';

import type { HistoryEvent } from '@/lib/api/types';
import { formatDateTime } from '@/lib/format';

import { historyChanges, historyTitle } from './crate-history';

/** The crate's audit events and those of its requests, newest first; a request's tag opens the
 *  request when the reader may see requests. */
export function CrateHistory({
  history,
  linkRequests,
}: {
  history: readonly HistoryEvent[];
  linkRequests: boolean;
}) {
  if (history.length === 0) {
    return <Text c="dimmed">No history yet.</Text>;
  }
  return (
    <Timeline bulletSize={16} lineWidth={2} aria-label="History">
      {history.map((event) => (
        <Timeline.Item
          key={event.id}
          color={event.object_type === 'crate' ? 'blue' : 'gray'}
          title={
            <>
              {historyTitle(event)}{' '}
              {event.object_type === 'request' && linkRequests ? (
                <Badge
                  component={Link}
                  to={`/requests/${event.object_id}`}
                  size="xs"
                  variant="light"
                  color="gray"
                  style={{ cursor: 'pointer' }}
                >
                  Request {event.object_id}
                </Badge>
              ) : (
                <Badge
                  size="xs"
                  variant="light"
                  color={event.object_type === 'crate' ? 'blue' : 'gray'}
                >
                  {event.object_type === 'crate' ? 'Crate' : `Request ${event.object_id}`}
                </Badge>
              )}
            </>
          }
        >
          <Text size="sm">
            {event.actor_username === '' ? 'system' : event.actor_username} ·{' '}
            <time dateTime={event.at}>{formatDateTime(event.at)}</time>
          </Text>
          {historyChanges(event).map((line) => (
            <Text size="sm" c="dimmed" key={line}>
              {line}
            </Text>
          ))}
          {event.reason !== '' && (
            <Text size="sm" c="dimmed">
              Reason: {event.reason}
            </Text>
          )}
        </Timeline.Item>
      ))}
    </Timeline>
  );
}
