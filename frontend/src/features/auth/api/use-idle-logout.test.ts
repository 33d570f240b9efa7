import { renderHook } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { idleTimeoutMs, useIdleLogout } from './use-idle-logout';

describe('useIdleLogout', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('fires after the timeout without activity, and activity postpones it', () => {
    vi.useFakeTimers();
    const onIdle = vi.fn();
    renderHook(() => {
      useIdleLogout(60_000, onIdle);
    });
    vi.advanceTimersByTime(59_000);
    window.dispatchEvent(new KeyboardEvent('keydown'));
    vi.advanceTimersByTime(59_000);
    expect(onIdle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1_000);
    expect(onIdle).toHaveBeenCalledOnce();
  });

  it('reads the timeout from VITE_IDLE_TIMEOUT_MINUTES, 15 minutes by default', () => {
    expect(idleTimeoutMs({})).toBe(15 * 60_000);
    expect(idleTimeoutMs({ VITE_IDLE_TIMEOUT_MINUTES: '5' })).toBe(5 * 60_000);
    expect(idleTimeoutMs({ VITE_IDLE_TIMEOUT_MINUTES: 'x' })).toBe(15 * 60_000);
  });
});
