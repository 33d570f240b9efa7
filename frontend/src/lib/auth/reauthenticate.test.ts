import { waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { api, unwrap } from '@/lib/api/client';
import { session } from '@/lib/auth/session';
import { fakeReauthWindow } from '@/test/reauth-window';
import { stubApi } from '@/test/stub-api';

import { abandonReauthentications, reauthenticationPlaceholder } from './reauthenticate';

const APPROVE = '/api/v1/requests/12/approve/';
const START = '/api/v1/auth/oidc/start/';
const CALLBACK = '/api/v1/auth/oidc/callback/';
const AUTHORIZE = 'https://idp.example.test/authorize?state=s-1';

function stubProvider() {
  const stub = stubApi({
    [`POST ${START}`]: [{ body: { authorization_url: AUTHORIZE, state: 's-1' } }],
    [`POST ${CALLBACK}`]: [
      { body: { reauthentication: 'ticket-1', expires_at: '2026-12-06T20:02:00Z' } },
    ],
    [`POST ${APPROVE}`]: [{ body: { id: 12 } }],
  });
  vi.stubGlobal('fetch', stub.fetchMock);
  return stub;
}

function approve(signature: Record<string, string>) {
  return unwrap(
    api.POST('/api/v1/requests/{id}/approve/', {
      params: { path: { id: 12 } },
      body: { version: 3, reason: '', signature: signature as { password: string } },
    }),
  );
}

describe('signing by re-authentication (the API client)', () => {
  beforeEach(() => {
    session.setTokens('access-1', 'refresh-1');
  });
  afterEach(() => {
    session.end(null);
  });

  it('binds the re-authentication to the very request it signs and sends its ticket', async () => {
    const { calls } = stubProvider();
    const browser = fakeReauthWindow();
    const placeholder = reauthenticationPlaceholder();
    expect(browser.open).toHaveBeenCalledWith(
      '',
      'strongroom-reauth',
      'popup,width=520,height=640',
    );

    const sent = approve({ password: '', reauthentication: placeholder });
    await waitFor(() => {
      expect(browser.popup.location.assign).toHaveBeenCalledWith(AUTHORIZE);
    });
    // Nothing signed yet: the provider has not answered.
    expect(calls.map((call) => call.path)).toEqual([START]);
    expect(calls[0]?.body).toEqual({ purpose: 'sign', method: 'POST', path: APPROVE });
    expect(calls[0]?.headers.get('Authorization')).toBe('Bearer access-1');

    browser.answer('s-1', 'code-1');
    await expect(sent).resolves.toEqual({ id: 12 });
    expect(calls.map((call) => `${call.method} ${call.path}`)).toEqual([
      `POST ${START}`,
      `POST ${CALLBACK}`,
      `POST ${APPROVE}`,
    ]);
    expect(calls[1]?.body).toEqual({ state: 's-1', code: 'code-1' });
    expect(calls[1]?.headers.get('Authorization')).toBe('Bearer access-1');
    expect(calls[2]?.body).toEqual({
      version: 3,
      reason: '',
      signature: { password: '', reauthentication: 'ticket-1' },
    });
    expect(browser.popup.close).toHaveBeenCalled();
  });

  it("ignores an answer from another origin or for another attempt's state", async () => {
    const { calls } = stubProvider();
    const browser = fakeReauthWindow();
    const sent = approve({ password: '', reauthentication: reauthenticationPlaceholder() });
    await waitFor(() => {
      expect(browser.popup.location.assign).toHaveBeenCalled();
    });
    browser.answer('s-1', 'forged', 'https://evil.example.test');
    browser.answer('s-other', 'stale');
    browser.answer('s-1', 'code-1');
    await sent;
    expect(calls[1]?.body).toEqual({ state: 's-1', code: 'code-1' });
  });

  it('signs nothing when the provider refuses', async () => {
    const { calls } = stubProvider();
    const browser = fakeReauthWindow();
    const sent = approve({ password: '', reauthentication: reauthenticationPlaceholder() });
    await waitFor(() => {
      expect(browser.popup.location.assign).toHaveBeenCalled();
    });
    browser.refuse('s-1', 'access_denied', 'The user cancelled');
    await expect(sent).rejects.toMatchObject({
      name: 'ReauthenticationError',
      message: expect.stringMatching(/not confirmed: The user cancelled/) as unknown,
    });
    expect(calls.map((call) => call.path)).toEqual([START]);
  });

  it('signs nothing and says so when the browser blocked the window', async () => {
    const { calls } = stubProvider();
    fakeReauthWindow({ blocked: true });
    await expect(
      approve({ password: '', reauthentication: reauthenticationPlaceholder() }),
    ).rejects.toMatchObject({ code: 'popup_blocked' });
    expect(calls).toEqual([]);
  });

  it('gives up when the window is closed without an answer', async () => {
    const { calls } = stubProvider();
    const browser = fakeReauthWindow();
    const sent = approve({ password: '', reauthentication: reauthenticationPlaceholder() });
    await waitFor(() => {
      expect(browser.popup.location.assign).toHaveBeenCalled();
    });
    browser.popup.closed = true;
    await expect(sent).rejects.toMatchObject({ code: 'popup_closed' });
    expect(calls.map((call) => call.path)).toEqual([START]);
  });

  it('passes the server refusal of the code on, and signs nothing', async () => {
    const stub = stubApi({
      [`POST ${START}`]: [{ body: { authorization_url: AUTHORIZE, state: 's-1' } }],
      [`POST ${CALLBACK}`]: [
        {
          status: 403,
          body: {
            error: {
              code: 'reauthentication_stale',
              message: 'The provider did not confirm your identity just now.',
              details: {},
              request_id: 'r',
            },
          },
        },
      ],
    });
    vi.stubGlobal('fetch', stub.fetchMock);
    const browser = fakeReauthWindow();
    const sent = approve({ password: '', reauthentication: reauthenticationPlaceholder() });
    await waitFor(() => {
      expect(browser.popup.location.assign).toHaveBeenCalled();
    });
    browser.answer('s-1', 'code-1');
    await expect(sent).rejects.toMatchObject({ status: 403, code: 'reauthentication_stale' });
    expect(stub.calls.map((call) => call.path)).toEqual([START, CALLBACK]);
  });

  it('closes the window of a re-authentication whose signed request never left', async () => {
    const { calls } = stubProvider();
    const browser = fakeReauthWindow();
    const placeholder = reauthenticationPlaceholder();
    // The submission failed before the signed request (a correction refused): given up.
    abandonReauthentications();
    expect(browser.popup.close).toHaveBeenCalledOnce();
    // The placeholder is spent: sent after all, it signs nothing.
    await expect(approve({ password: '', reauthentication: placeholder })).rejects.toMatchObject({
      code: 'popup_blocked',
    });
    expect(calls).toEqual([]);
  });
});
