/**
 * The signed-in session: the short-lived access token in memory, the rotating refresh token in
 * sessionStorage (one tab, gone when the tab closes), and why the last session ended.
 * A tiny external store so React reads it with useSyncExternalStore.
 */
const REFRESH_KEY = 'strongroom.refresh';
const ENDED_KEY = 'strongroom.ended';

export interface SessionSnapshot {
  /** True while a refresh token is held (the access token may still need refreshing). */
  signedIn: boolean;
  /** Why the user was sent back to the login screen, shown there once. */
  endedReason: string | null;
}

let accessToken: string | null = null;
let refreshToken: string | null = readStorage(REFRESH_KEY);
let snapshot: SessionSnapshot = {
  signedIn: refreshToken !== null,
  endedReason: readStorage(ENDED_KEY),
};
const listeners = new Set<() => void>();
const tokenListeners = new Set<(access: string) => void>();

function readStorage(key: string): string | null {
  try {
    return window.sessionStorage.getItem(key);
  } catch {
    return null;
  }
}

function writeStorage(key: string, value: string | null): void {
  try {
    if (value === null) {
      window.sessionStorage.removeItem(key);
    } else {
      window.sessionStorage.setItem(key, value);
    }
  } catch {
    // Storage may be unavailable (private mode): the session then lives in memory only.
  }
}

function publish(next: SessionSnapshot): void {
  snapshot = next;
  for (const listener of listeners) {
    listener();
  }
}

export const session = {
  subscribe: (listener: () => void): (() => void) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  getSnapshot: (): SessionSnapshot => {
    return snapshot;
  },
  getAccessToken: (): string | null => {
    return accessToken;
  },
  getRefreshToken: (): string | null => {
    return refreshToken;
  },
  /** Called after login, refresh and password change. */
  setTokens: (access: string, refresh: string): void => {
    accessToken = access;
    refreshToken = refresh;
    writeStorage(REFRESH_KEY, refresh);
    writeStorage(ENDED_KEY, null);
    for (const listener of tokenListeners) {
      listener(access);
    }
    if (!snapshot.signedIn || snapshot.endedReason !== null) {
      publish({ signedIn: true, endedReason: null });
    }
  },
  /** Ends the session locally; `reason` is shown on the login screen. */
  end: (reason: string | null): void => {
    accessToken = null;
    refreshToken = null;
    writeStorage(REFRESH_KEY, null);
    writeStorage(ENDED_KEY, reason);
    publish({ signedIn: false, endedReason: reason });
  },
  clearEndedReason: (): void => {
    writeStorage(ENDED_KEY, null);
    if (snapshot.endedReason !== null) {
      publish({ ...snapshot, endedReason: null });
    }
  },
  /** The realtime client re-authenticates its socket whenever a fresh access token arrives. */
  onAccessToken: (listener: (access: string) => void): (() => void) => {
    tokenListeners.add(listener);
    return () => tokenListeners.delete(listener);
  },
};
