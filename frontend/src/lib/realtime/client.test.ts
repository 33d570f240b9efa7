import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import type { RealtimeEvent } from '@/lib/api/types';

import { RealtimeClient, eventsUrl, type RealtimeOptions } from './client';

class FakeSocket {
  static all: FakeSocket[] = [];
  readyState = 0;
  sent: unknown[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((message: { data: string }) => void) | null = null;
  onclose: ((event: { code: number }) => void) | null = null;
  readonly url: string;
  constructor(url: string) {
    this.url = url;
    FakeSocket.all.push(this);
  }
  send(text: string) {
    this.sent.push(JSON.parse(text));
  }
  close() {
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  receive(message: unknown) {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
  drop(code: number) {
    this.readyState = 3;
    this.onclose?.({ code });
  }
}

function event(id: number, objectId = '7'): RealtimeEvent & { type: string } {
  return {
    type: 'event',
    id,
    topic: 'request',
    action: 'updated',
    object_id: objectId,
    unit_id: 1,
    version: 2,
    data: {},
    at: '2026-11-23T03:00:00Z',
  };
}

const flush = () => new Promise((done) => setTimeout(done, 0));

function makeClient(overrides: Partial<RealtimeOptions> = {}) {
  const store = new Map<string, string>();
  const storage = {
    getItem: (key: string) => store.get(key) ?? null,
    setItem: (key: string, value: string) => {
      store.set(key, value);
    },
  };
  const options: RealtimeOptions = {
    url: 'ws://host/ws/v1/events/',
    getToken: vi.fn(() => Promise.resolve('token-1')),
    refreshToken: vi.fn(() => Promise.resolve(true)),
    onEvent: vi.fn(),
    onResync: vi.fn(),
    createSocket: (url) => new FakeSocket(url) as unknown as WebSocket,
    random: () => 1,
    storage,
    ...overrides,
  };
  return { client: new RealtimeClient(options), options, store };
}

describe('RealtimeClient', () => {
  beforeEach(() => {
    FakeSocket.all = [];
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('authenticates with its first message and goes online on ready', async () => {
    const { client } = makeClient();
    client.start();
    expect(client.getState()).toBe('connecting');
    const socket = FakeSocket.all[0];
    socket?.open();
    await flush();
    expect(socket?.sent[0]).toEqual({ type: 'auth', token: 'token-1' });
    socket?.receive({ type: 'ready', last_event_id: 41 });
    expect(client.getState()).toBe('online');
    expect(client.getLastEventId()).toBe(41);
    client.stop();
  });

  it('hands on each event once and remembers the last id for resuming', async () => {
    const { client, options, store } = makeClient();
    client.start();
    const socket = FakeSocket.all[0];
    socket?.open();
    await flush();
    socket?.receive({ type: 'ready', last_event_id: 10 });
    socket?.receive(event(11));
    socket?.receive(event(11));
    socket?.receive(event(12));
    expect(options.onEvent).toHaveBeenCalledTimes(2);
    expect(store.get('strongroom.last_event_id')).toBe('12');
    client.stop();

    const resumed = new RealtimeClient({ ...options, onEvent: vi.fn() });
    resumed.start();
    FakeSocket.all[1]?.open();
    await flush();
    expect(FakeSocket.all[1]?.sent[0]).toEqual({
      type: 'auth',
      token: 'token-1',
      last_event_id: 12,
    });
    resumed.stop();
  });

  it('resumes with the ids it holds and drops a replayed one it already had', async () => {
    vi.useFakeTimers();
    const { client, options } = makeClient();
    client.start();
    FakeSocket.all[0]?.open();
    await vi.advanceTimersByTimeAsync(0);
    FakeSocket.all[0]?.receive({ type: 'ready', last_event_id: 10 });
    FakeSocket.all[0]?.receive(event(12));
    FakeSocket.all[0]?.drop(1006);
    await vi.advanceTimersByTimeAsync(1000);
    FakeSocket.all[1]?.open();
    await vi.advanceTimersByTimeAsync(0);
    expect(FakeSocket.all[1]?.sent[0]).toEqual({
      type: 'auth',
      token: 'token-1',
      last_event_id: 12,
      recent_event_ids: [12],
    });
    // Event 11 committed after 12 was delivered: the replay brings it; 12 coming again
    // (as it would for a client that sent no ids) is dropped.
    FakeSocket.all[1]?.receive({ type: 'ready', last_event_id: 12 });
    FakeSocket.all[1]?.receive(event(11));
    FakeSocket.all[1]?.receive(event(12));
    expect(vi.mocked(options.onEvent).mock.calls.map(([e]) => e.id)).toEqual([12, 11]);
    client.stop();
  });

  it('asks for a full refetch on resync', async () => {
    const { client, options } = makeClient();
    client.start();
    FakeSocket.all[0]?.open();
    await flush();
    FakeSocket.all[0]?.receive({ type: 'resync' });
    expect(options.onResync).toHaveBeenCalledOnce();
    client.stop();
  });

  it('reconnects with exponential backoff after a dropped connection', async () => {
    vi.useFakeTimers();
    const { client } = makeClient();
    client.start();
    FakeSocket.all[0]?.drop(1006);
    expect(client.getState()).toBe('offline');
    await vi.advanceTimersByTimeAsync(999);
    expect(FakeSocket.all).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(FakeSocket.all).toHaveLength(2);
    FakeSocket.all[1]?.drop(1006);
    await vi.advanceTimersByTimeAsync(1999);
    expect(FakeSocket.all).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(FakeSocket.all).toHaveLength(3);
    client.stop();
  });

  it('keeps the jittered delay between half and all of the capped exponential', () => {
    const low = makeClient({ random: () => 0 }).client;
    const high = makeClient({ random: () => 0.999 }).client;
    expect(low.nextDelay()).toBe(500);
    expect(high.nextDelay()).toBeLessThanOrEqual(1000);
    expect(high.nextDelay()).toBeGreaterThan(990);
  });

  it('refreshes the token and reconnects at once after 4401', async () => {
    vi.useFakeTimers();
    const { client, options } = makeClient();
    client.start();
    FakeSocket.all[0]?.drop(4401);
    await vi.advanceTimersByTimeAsync(0);
    expect(options.refreshToken).toHaveBeenCalledOnce();
    expect(FakeSocket.all).toHaveLength(2);
    client.stop();
  });

  it('stops when the session cannot be refreshed', async () => {
    const { client } = makeClient({ refreshToken: () => Promise.resolve(false) });
    client.start();
    FakeSocket.all[0]?.drop(4401);
    await flush();
    expect(client.getState()).toBe('stopped');
  });

  it('re-authenticates the open socket with a fresh token', async () => {
    const { client } = makeClient();
    client.start();
    const socket = FakeSocket.all[0];
    socket?.open();
    await flush();
    socket?.receive({ type: 'ready', last_event_id: 1 });
    client.reauthenticate('token-2');
    expect(socket?.sent[1]).toEqual({ type: 'auth', token: 'token-2' });
    client.stop();
  });

  it('builds ws: or wss: like the page', () => {
    expect(eventsUrl({ protocol: 'https:', host: 'a.example' })).toBe(
      'wss://a.example/ws/v1/events/',
    );
    expect(eventsUrl({ protocol: 'http:', host: '127.0.0.1:8000' })).toBe(
      'ws://127.0.0.1:8000/ws/v1/events/',
    );
  });
});
