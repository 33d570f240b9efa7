import { useEffect, useRef } from 'react';

import { logout } from './logout';

const ACTIVITY_EVENTS = ['pointerdown', 'keydown', 'wheel', 'touchstart', 'mousemove'] as const;

/** Minutes of inactivity before sign-out: VITE_IDLE_TIMEOUT_MINUTES, default 15. */
export function idleTimeoutMs(env: Record<string, unknown> = import.meta.env): number {
  const minutes = Number(env.VITE_IDLE_TIMEOUT_MINUTES ?? 15);
  return (Number.isFinite(minutes) && minutes > 0 ? minutes : 15) * 60_000;
}

/** Signs the user out after `timeoutMs` without keyboard, pointer or touch activity. */
export function useIdleLogout(timeoutMs: number, onIdle: () => void = defaultOnIdle(timeoutMs)) {
  const onIdleRef = useRef(onIdle);
  useEffect(() => {
    onIdleRef.current = onIdle;
  }, [onIdle]);

  useEffect(() => {
    let timer = setTimeout(fire, timeoutMs);
    function fire() {
      onIdleRef.current();
    }
    function reset() {
      clearTimeout(timer);
      timer = setTimeout(fire, timeoutMs);
    }
    for (const name of ACTIVITY_EVENTS) {
      window.addEventListener(name, reset, { passive: true });
    }
    return () => {
      clearTimeout(timer);
      for (const name of ACTIVITY_EVENTS) {
        window.removeEventListener(name, reset);
      }
    };
  }, [timeoutMs]);
}

function defaultOnIdle(timeoutMs: number): () => void {
  return () => {
    const minutes = Math.round(timeoutMs / 60_000);
    void logout(`You were signed out after ${minutes} minutes without activity.`);
  };
}
