import { vi } from 'vitest';

/**
 * The browser's side of a re-authentication window: `window.open` answers with a stand-in
 * window (jsdom opens none) that records where it is sent, and `answer` plays /auth/callback
 * in it posting the provider's answer back to this window.
 */
export function fakeReauthWindow({ blocked = false }: { blocked?: boolean } = {}) {
  const popup = {
    closed: false,
    location: { assign: vi.fn() },
    close: vi.fn(() => {
      popup.closed = true;
    }),
    document: { title: '', body: { textContent: '' } },
  };
  const open = vi
    .spyOn(window, 'open')
    .mockImplementation(() => (blocked ? null : (popup as unknown as Window)));
  const post = (data: unknown, origin = window.location.origin) => {
    window.dispatchEvent(new MessageEvent('message', { data, origin }));
  };
  return {
    popup,
    open,
    answer: (state: string, code: string, origin?: string) => {
      post({ type: 'strongroom-reauth', state, code }, origin);
    },
    refuse: (state: string, error: string, description: string) => {
      post({ type: 'strongroom-reauth', state, error, error_description: description });
    },
  };
}
