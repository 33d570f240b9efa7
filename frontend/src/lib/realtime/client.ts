/**
 * The one WebSocket of the SPA (PRODUCT.md §2). It authenticates with its first message,
 * resumes from the last event id it saw (kept in sessionStorage, so a reload resumes too),
 * reconnects with exponential backoff and jitter, re-authenticates with every fresh access
 * token, drops duplicate event ids (and tells the server which ids it holds when it resumes)
 * and hands each event to `onEvent` — which only invalidates
 * queries: the socket notifies, the client refetches.
 */
import type { RealtimeEvent } from '@/lib/api/types';

export type ConnectionState = 'connecting' | 'online' | 'offline' | 'stopped';

export const CLOSE_UNAUTHENTICATED = 4401;
export const CLOSE_FORBIDDEN = 4403;
export const CLOSE_AUTH_TIMEOUT = 4408;

const LAST_EVENT_KEY = 'strongroom.last_event_id';
const RECENT_IDS = 500;
/** How many of the held ids go with a resume (the server accepts up to 1000). */
const RECENT_IDS_SENT = 200;

export interface RealtimeOptions {
  url: string;
  /** A valid access token (refreshing if needed), or null when signed out. */
  getToken: () => Promise<string | null>;
  /** Called on 4401: refresh the session; resolve true to reconnect at once. */
  refreshToken: () => Promise<boolean>;
  onEvent: (event: RealtimeEvent) => void;
  /** The gap was too old to replay: refetch everything. */
  onResync: () => void;
  /** 4403: the user may not connect (e.g. must change the password). */
  onForbidden?: () => void;
  createSocket?: (url: string) => WebSocket;
  random?: () => number;
  storage?: Pick<Storage, 'getItem' | 'setItem'> | null;
  baseDelayMs?: number;
  maxDelayMs?: number;
  pingIntervalMs?: number;
}

interface ServerMessage {
  type?: unknown;
  last_event_id?: unknown;
  id?: unknown;
}

function defaultStorage(): Pick<Storage, 'getItem' | 'setItem'> | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

export class RealtimeClient {
  private readonly options: RealtimeOptions;
  private readonly storage: Pick<Storage, 'getItem' | 'setItem'> | null;
  private socket: WebSocket | null = null;
  private authenticated = false;
  private stopped = true;
  private attempt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private readonly seen = new Set<number>();
  private lastEventId: number | null;
  private state: ConnectionState = 'stopped';
  private readonly listeners = new Set<() => void>();

  constructor(options: RealtimeOptions) {
    this.options = options;
    this.storage = options.storage === undefined ? defaultStorage() : options.storage;
    const stored = Number(this.storage?.getItem(LAST_EVENT_KEY) ?? Number.NaN);
    this.lastEventId = Number.isInteger(stored) && stored >= 0 ? stored : null;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getState = (): ConnectionState => this.state;

  getLastEventId(): number | null {
    return this.lastEventId;
  }

  start(): void {
    if (!this.stopped) {
      return;
    }
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.clearTimers();
    const socket = this.socket;
    this.socket = null;
    this.authenticated = false;
    if (socket !== null && socket.readyState <= 1) {
      socket.close(1000);
    }
    this.setState('stopped');
  }

  /** Sends a fresh token over the open socket (the server answers `reauthenticated`). */
  reauthenticate(token: string): void {
    if (this.socket !== null && this.authenticated && this.socket.readyState === 1) {
      this.socket.send(JSON.stringify({ type: 'auth', token }));
    }
  }

  private setState(next: ConnectionState): void {
    if (this.state !== next) {
      this.state = next;
      for (const listener of this.listeners) {
        listener();
      }
    }
  }

  private connect(): void {
    if (this.stopped) {
      return;
    }
    this.setState('connecting');
    const create = this.options.createSocket ?? ((url: string) => new WebSocket(url));
    const socket = create(this.options.url);
    this.socket = socket;
    this.authenticated = false;
    socket.onopen = () => {
      void this.options.getToken().then((token) => {
        if (this.socket !== socket) {
          return;
        }
        if (token === null) {
          this.stop();
          return;
        }
        // Replay starts a little before last_event_id (a lower id may commit after a higher
        // one): the ids already held are not sent again.
        const recent = [...this.seen].slice(-RECENT_IDS_SENT);
        socket.send(
          JSON.stringify({
            type: 'auth',
            token,
            last_event_id: this.lastEventId ?? undefined,
            recent_event_ids: recent.length > 0 ? recent : undefined,
          }),
        );
      });
    };
    socket.onmessage = (message: MessageEvent) => {
      if (this.socket === socket) {
        this.handle(String(message.data));
      }
    };
    socket.onclose = (event: CloseEvent) => {
      if (this.socket === socket) {
        this.closed(event.code);
      }
    };
  }

  private handle(text: string): void {
    let message: ServerMessage;
    try {
      message = JSON.parse(text) as ServerMessage;
    } catch {
      return;
    }
    switch (message.type) {
      case 'ready':
        this.authenticated = true;
        this.attempt = 0;
        if (this.lastEventId === null && typeof message.last_event_id === 'number') {
          this.remember(message.last_event_id);
        }
        this.startPing();
        this.setState('online');
        break;
      case 'event':
        this.receive(message as unknown as RealtimeEvent);
        break;
      case 'resync':
        this.options.onResync();
        break;
      default:
        // pong, reauthenticated, error: nothing to do
        break;
    }
  }

  private receive(event: RealtimeEvent): void {
    if (typeof event.id !== 'number' || this.seen.has(event.id)) {
      return;
    }
    this.seen.add(event.id);
    if (this.seen.size > RECENT_IDS) {
      const oldest = this.seen.values().next().value;
      if (oldest !== undefined) {
        this.seen.delete(oldest);
      }
    }
    if (this.lastEventId === null || event.id > this.lastEventId) {
      this.remember(event.id);
    }
    this.options.onEvent(event);
  }

  private remember(id: number): void {
    this.lastEventId = id;
    try {
      this.storage?.setItem(LAST_EVENT_KEY, String(id));
    } catch {
      // ignore a full or unavailable storage
    }
  }

  private startPing(): void {
    if (this.pingTimer !== null) {
      clearInterval(this.pingTimer);
    }
    this.pingTimer = setInterval(() => {
      if (this.socket?.readyState === 1) {
        this.socket.send('{"type":"ping"}');
      }
    }, this.options.pingIntervalMs ?? 25_000);
  }

  private clearTimers(): void {
    if (this.reconnectTimer !== null) {
      clearTimeout(this.reconnectTimer);
      this.reconnectTimer = null;
    }
    if (this.pingTimer !== null) {
      clearInterval(this.pingTimer);
      this.pingTimer = null;
    }
  }

  private closed(code: number): void {
    this.socket = null;
    this.authenticated = false;
    this.clearTimers();
    if (this.stopped) {
      return;
    }
    this.setState('offline');
    if (code === CLOSE_UNAUTHENTICATED) {
      void this.options.refreshToken().then(
        (ok) => {
          if (ok) {
            this.scheduleReconnect(true);
          } else {
            this.stop();
          }
        },
        () => {
          this.scheduleReconnect(false);
        },
      );
      return;
    }
    if (code === CLOSE_FORBIDDEN) {
      this.options.onForbidden?.();
    }
    this.scheduleReconnect(false);
  }

  /** Delay before reconnect attempt n: min(max, base·2ⁿ), scaled by a random 50–100 %. */
  nextDelay(): number {
    const base = this.options.baseDelayMs ?? 1000;
    const max = this.options.maxDelayMs ?? 30_000;
    const ceiling = Math.min(max, base * 2 ** this.attempt);
    const random = this.options.random ?? Math.random;
    return Math.round(ceiling * (0.5 + random() / 2));
  }

  private scheduleReconnect(immediate: boolean): void {
    const delay = immediate ? 0 : this.nextDelay();
    this.attempt += 1;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.connect();
    }, delay);
  }
}

/** The socket's address on this page's host (ws: or wss: like the page). */
export function eventsUrl(location: Pick<Location, 'protocol' | 'host'> = window.location): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/ws/v1/events/`;
}
