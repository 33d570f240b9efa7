import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { formatDate, formatDateTime, formatDateTimeUtc } from './format';

// Node reads TZ again whenever it changes, so each test picks the viewer's zone.
function inZone(zone: string) {
  vi.stubEnv('TZ', zone);
}

describe('formatDateTime', () => {
  beforeEach(() => {
    inZone('Europe/Berlin');
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("shows the viewer's time zone by name", () => {
    expect(formatDateTime('2026-12-06T13:05:09Z')).toBe('6 Dec 2026, 14:05 CET');
    expect(formatDateTime('2026-07-06T13:05:09Z')).toBe('6 Jul 2026, 15:05 CEST');
    expect(formatDateTime('2026-12-06T13:05:09Z', { seconds: true })).toBe(
      '6 Dec 2026, 14:05:09 CET',
    );
  });

  it('follows the zone the viewer is in when the time is shown', () => {
    inZone('Asia/Kolkata');
    expect(formatDateTime('2026-12-06T13:05:09Z')).toBe('6 Dec 2026, 18:35 GMT+5:30');
    inZone('UTC');
    expect(formatDateTime('2026-12-06T00:05:00Z')).toBe('6 Dec 2026, 00:05 UTC');
  });

  it('keeps signatures in UTC whatever the viewer’s zone', () => {
    expect(formatDateTimeUtc('2026-12-06T13:05:09Z')).toBe('6 Dec 2026, 13:05:09 UTC');
    inZone('America/New_York');
    expect(formatDateTimeUtc('2026-12-06T13:05:09+01:00')).toBe('6 Dec 2026, 12:05:09 UTC');
  });

  it('shows a dash for no time and a calendar date without shifting it', () => {
    expect(formatDateTime(null)).toBe('—');
    expect(formatDateTimeUtc('')).toBe('—');
    inZone('America/Los_Angeles');
    expect(formatDate('2026-12-06')).toBe('6 Dec 2026');
  });
});
