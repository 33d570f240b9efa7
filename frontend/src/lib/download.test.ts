import { describe, expect, it, vi } from 'vitest';

import { session } from '@/lib/auth/session';

import { downloadFile, fileNameOf } from './download';

describe('fileNameOf', () => {
  it('reads plain and RFC 5987 file names, else falls back', () => {
    expect(fileNameOf('attachment; filename="audit-trail.csv"', 'x.csv')).toBe('audit-trail.csv');
    expect(fileNameOf("attachment; filename*=UTF-8''r%C3%A9sum%C3%A9.csv", 'x.csv')).toBe(
      'résumé.csv',
    );
    expect(fileNameOf(null, 'x.csv')).toBe('x.csv');
  });
});

describe('downloadFile', () => {
  it('sends the token in a header, never in the address, and saves the file', async () => {
    session.setTokens('access-token', 'refresh-token');
    const fetchMock = vi.fn((request: Request) =>
      Promise.resolve(
        new Response('id,action\n1,user.create\n', {
          status: 200,
          headers: {
            'Content-Type': 'text/csv',
            'Content-Disposition': 'attachment; filename="audit-trail.csv"',
          },
        }),
      ).then((response) => {
        expect(request.headers.get('Authorization')).toBe('Bearer access-token');
        expect(request.headers.get('Accept')).toBe('text/csv');
        expect(request.url).not.toContain('access-token');
        return response;
      }),
    );
    vi.stubGlobal('fetch', fetchMock);
    // jsdom has no object URLs; this file's environment is discarded after it.
    const createObjectURL = vi.fn(() => 'blob:x');
    URL.createObjectURL = createObjectURL;
    URL.revokeObjectURL = vi.fn();
    const click = vi
      .spyOn(HTMLAnchorElement.prototype, 'click')
      .mockImplementation(() => undefined);

    const name = await downloadFile('/api/v1/audit-events/?format=csv', {
      accept: 'text/csv',
      fallbackName: 'x.csv',
    });
    expect(name).toBe('audit-trail.csv');
    expect(createObjectURL).toHaveBeenCalledOnce();
    expect(click).toHaveBeenCalledOnce();
    session.end(null);
  });

  it("throws the server's error message", async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(() =>
        Promise.resolve(
          new Response(
            JSON.stringify({
              error: { code: 'permission_denied', message: 'Not for your role.', details: {} },
            }),
            { status: 403, headers: { 'Content-Type': 'application/json' } },
          ),
        ),
      ),
    );
    await expect(
      downloadFile('/api/v1/audit-events/?format=csv', { accept: 'text/csv', fallbackName: 'x' }),
    ).rejects.toThrow('Not for your role.');
  });
});
