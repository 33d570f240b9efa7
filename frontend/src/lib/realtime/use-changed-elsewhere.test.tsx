import { act, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import type { RealtimeEvent } from '@/lib/api/types';
import { renderWithProviders } from '@/test/render';

import { RealtimeContext, type RealtimeContextValue } from './context';
import { markOwnChange } from './own-changes';
import { useChangedElsewhere } from './use-changed-elsewhere';

function event(id: number, topic: RealtimeEvent['topic'], objectId: string): RealtimeEvent {
  return {
    id,
    type: 'event',
    topic,
    action: 'updated',
    object_id: objectId,
    unit_id: 1,
    version: 2,
    data: { code: `C-${objectId}` },
    at: '',
  };
}

function Watcher({ id }: { id: number }) {
  useChangedElsewhere('crate', id, (changed) => `${String(changed.data.code)} was updated.`);
  return null;
}

function renderWatcher(id: number) {
  const listeners = new Set<(event: RealtimeEvent) => void>();
  const realtime: RealtimeContextValue = {
    subscribeState: () => () => undefined,
    getState: () => 'online',
    addListener: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  renderWithProviders(
    <RealtimeContext.Provider value={realtime}>
      <Watcher id={id} />
    </RealtimeContext.Provider>,
  );
  return (sent: RealtimeEvent) => {
    act(() => {
      listeners.forEach((listener) => {
        listener(sent);
      });
    });
  };
}

describe('useChangedElsewhere', () => {
  it("tells of another's change to this object only", async () => {
    const send = renderWatcher(5);
    send(event(1, 'crate', '6'));
    send(event(2, 'location', '5'));
    expect(screen.queryByText('Changed by someone else')).not.toBeInTheDocument();

    send(event(3, 'crate', '5'));
    expect(await screen.findByText('Changed by someone else')).toBeInTheDocument();
    expect(screen.getByText('C-5 was updated.')).toBeInTheDocument();
  });

  it('stays quiet about a change this tab made', () => {
    const send = renderWatcher(7);
    markOwnChange('crate', 7);
    send(event(4, 'crate', '7'));
    expect(screen.queryByText('C-7 was updated.')).not.toBeInTheDocument();
  });
});
