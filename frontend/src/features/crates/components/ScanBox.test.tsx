import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { mockFetch } from '@/test/fetch-mock';
import { renderWithProviders } from '@/test/render';

import { makeCrate } from './crate-fixture';
import { ScanBox } from './ScanBox';

describe('ScanBox', () => {
  it('looks up what a keyboard-wedge scanner types, on Enter', async () => {
    const crate = makeCrate();
    const { fetchMock } = mockFetch({ '/api/v1/crates/lookup/': { body: crate } });
    const onFound = vi.fn();
    renderWithProviders(<ScanBox onFound={onFound} />);
    const input = screen.getByLabelText(/Scan or type a crate code/);
    expect(input).toHaveFocus();
    // A scanner "types" the code and presses Enter.
    await userEvent.keyboard('goa1qa20260000052{Enter}');
    await waitFor(() => {
      expect(onFound).toHaveBeenCalledWith(crate);
    });
    const request = fetchMock.mock.calls[0]?.[0] as Request;
    expect(new URL(request.url).searchParams.get('code')).toBe('goa1qa20260000052');
    expect(input).toHaveValue('');
  });

  it("shows the server's invalid_crate_code message and keeps the code ready to rescan", async () => {
    const message = 'The check digit does not match: the code was mistyped or misread.';
    mockFetch({
      '/api/v1/crates/lookup/': {
        status: 400,
        body: {
          error: {
            code: 'invalid_crate_code',
            message,
            details: { code: [message] },
            request_id: 'r',
          },
        },
      },
    });
    const onFound = vi.fn();
    renderWithProviders(<ScanBox onFound={onFound} />);
    await userEvent.keyboard('GOA1-QA-2026-000005-9{Enter}');
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Not a valid crate code');
    expect(alert).toHaveTextContent(message);
    const input = screen.getByLabelText(/Scan or type a crate code/);
    expect(input).toHaveAttribute('aria-invalid', 'true');
    expect(input).toHaveFocus();
    expect(input).toHaveValue('GOA1-QA-2026-000005-9');
    expect(onFound).not.toHaveBeenCalled();
  });

  it('says so when the crate is not in the caller’s units', async () => {
    mockFetch({});
    renderWithProviders(<ScanBox onFound={vi.fn()} />);
    await userEvent.keyboard('MUM1-QA-2026-000001-3{Enter}');
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'No crate with the code MUM1-QA-2026-000001-3 in your units.',
    );
  });
});
