import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { session } from '@/lib/auth/session';
import { renderWithProviders } from '@/test/render';

import { CertificateButton } from './CertificateButton';

describe('CertificateButton', () => {
  it('fetches the certificate with the bearer token and saves the PDF under its name', async () => {
    session.setTokens('access-token', 'refresh-token');
    const seen: Request[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn((request: Request) => {
        seen.push(request);
        return Promise.resolve(
          new Response('%PDF-1.7\n', {
            status: 200,
            headers: {
              'Content-Type': 'application/pdf',
              'Content-Disposition': 'attachment; filename="REQ-2026-000009-certificate.pdf"',
            },
          }),
        );
      }),
    );
    // jsdom has no object URLs; this file's environment is discarded after it.
    const saved: Blob[] = [];
    URL.createObjectURL = vi.fn((blob: Blob) => {
      saved.push(blob);
      return 'blob:certificate';
    });
    URL.revokeObjectURL = vi.fn();
    const names: string[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (
      this: HTMLAnchorElement,
    ) {
      names.push(this.download);
    });

    renderWithProviders(<CertificateButton request={{ id: 9, number: 'REQ-2026-000009' }} />);
    await userEvent.click(screen.getByRole('button', { name: 'Download destruction certificate' }));

    await waitFor(() => {
      expect(names).toEqual(['REQ-2026-000009-certificate.pdf']);
    });
    expect(seen).toHaveLength(1);
    const [request] = seen;
    expect(new URL(request?.url ?? '').pathname).toBe('/api/v1/requests/9/certificate.pdf');
    expect(request?.headers.get('Authorization')).toBe('Bearer access-token');
    expect(request?.headers.get('Accept')).toBe('application/pdf');
    expect(await saved[0]?.text()).toBe('%PDF-1.7\n');
    session.end(null);
  });
});
