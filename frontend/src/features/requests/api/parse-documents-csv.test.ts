import { afterEach, describe, expect, it, vi } from 'vitest';

import { session } from '@/lib/auth/session';

import { parseDocumentsCsv } from './parse-documents-csv';

describe('parseDocumentsCsv', () => {
  afterEach(() => {
    session.end(null);
  });

  it('posts the file and the unit as multipart with the token and returns the rows', async () => {
    session.setTokens('access-1', 'refresh-1');
    const requests: Request[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn((request: Request) => {
        requests.push(request);
        return Promise.resolve(
          new Response(JSON.stringify({ documents: [{ number: 'BMR-1' }] }), {
            headers: { 'Content-Type': 'application/json' },
          }),
        );
      }),
    );
    const file = new File(['number\nBMR-1\n'], 'docs.csv', { type: 'text/csv' });

    await expect(parseDocumentsCsv(file, 7)).resolves.toEqual([{ number: 'BMR-1' }]);

    const request = requests[0];
    expect(request?.method).toBe('POST');
    expect(new URL(request?.url ?? '').pathname).toBe('/api/v1/requests/documents-csv/');
    expect(request?.headers.get('Authorization')).toBe('Bearer access-1');
    expect(request?.headers.get('Content-Type')).toMatch(/^multipart\/form-data; boundary=/);
    const form = await request?.formData();
    expect(form?.get('unit')).toBe('7');
    // (jsdom's File does not survive Node's Request intact, so only its presence is checked.)
    expect(form?.has('file')).toBe(true);
  });
});
