import { describe, expect, it } from 'vitest';

import { mockFetch } from '@/test/fetch-mock';

import { ApiError, apiFetch } from './api-client';

describe('apiFetch', () => {
  it('requests the path on the same origin and returns the decoded JSON', async () => {
    const { fetchMock } = mockFetch({ '/api/v1/things/': { body: { count: 1 } } });

    await expect(apiFetch('/api/v1/things/')).resolves.toEqual({ count: 1 });

    const [input, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(input).toBe('/api/v1/things/');
    expect(new Headers(init.headers).get('Accept')).toBe('application/json');
    expect(init.credentials).toBe('same-origin');
  });

  it('throws an ApiError carrying the status and the JSON error body', async () => {
    const body = { code: 'not_found', detail: 'No such crate.' };
    mockFetch({ '/api/v1/crates/9/': { status: 404, body } });

    const error = await apiFetch('/api/v1/crates/9/').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 404, body, message: 'No such crate.' });
  });
});
