import { Badge, Tooltip } from '@mantine/core';

import { useConnectionState } from '@/lib/realtime/context';

const LABELS = {
  online: { text: 'Live', color: 'green', tip: 'Changes by others appear as they happen.' },
  connecting: { text: 'Connecting…', color: 'yellow', tip: 'Connecting to live updates.' },
  offline: {
    text: 'Offline',
    color: 'red',
    tip: 'Live updates are interrupted; reconnecting. Reload to be sure you see the latest.',
  },
  stopped: { text: 'Not live', color: 'gray', tip: 'Live updates are off.' },
} as const;

export function ConnectionIndicator() {
  const state = useConnectionState();
  const label = LABELS[state];
  return (
    <Tooltip label={label.tip}>
      <Badge
        color={label.color}
        variant="dot"
        role="status"
        aria-live="polite"
        data-testid="connection-indicator"
        data-state={state}
      >
        {label.text}
      </Badge>
    </Tooltip>
  );
}
