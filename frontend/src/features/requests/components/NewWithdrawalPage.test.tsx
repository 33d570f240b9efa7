import { fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import dayjs from 'dayjs';
import { describe, expect, it, vi } from 'vitest';

import { makeMe } from '@/test/fixtures';
import { renderRoute } from '@/test/render-route';
import { envelope, stubApi } from '@/test/stub-api';

import { NewWithdrawalPage } from './NewWithdrawalPage';

const crate = {
  id: 3,
  code: 'GOA1-QA-2026-000003-5',
  unit: 1,
  unit_code: 'GOA1',
  status: 'IN_STORAGE',
  location: 10,
  location_code: 'GOA1/R01/K01/S1',
  destroy_after: '2035-12-31',
  retain_permanently: false,
  legal_hold: false,
  document_count: 1,
  description: 'QA records',
};

describe('NewWithdrawalPage', { timeout: 30_000 }, () => {
  it('goes back to the return date the server refused, keeping the purpose and password', async () => {
    const api = stubApi({
      '/api/v1/crates/lookup/': [{ body: crate }],
      '/api/v1/crates/': [{ body: { results: [] } }],
      '/api/v1/crates/3/': [{ body: { ...crate, documents: [] } }],
      'POST /api/v1/requests/': [
        {
          status: 400,
          body: envelope('return_date_invalid', 'The expected return date must be in the future.', {
            expected_return_on: ['Must be after today.'],
          }),
        },
      ],
    });
    vi.stubGlobal('fetch', api.fetchMock);
    renderRoute(
      '/requests/new/withdrawal',
      '/requests/new/withdrawal',
      <NewWithdrawalPage
        me={makeMe({ id: 2, permissions: ['workflow.view_request', 'workflow.add_request'] })}
      />,
    );
    await userEvent.type(
      await screen.findByLabelText(/Crate code or search/),
      'GOA1-QA-2026-000003-5{Enter}',
    );
    await userEvent.click(await screen.findByRole('button', { name: 'Next' }));
    const nextWeek = dayjs().add(7, 'day').format('YYYY-MM-DD');
    const returnOn = await screen.findByLabelText(/Expected return/);
    await userEvent.type(returnOn, nextWeek);
    fireEvent.blur(returnOn);
    fireEvent.change(screen.getByLabelText(/^Purpose/), { target: { value: 'FDA audit' } });
    await userEvent.click(screen.getByRole('button', { name: 'Next' }));
    fireEvent.change(await screen.findByLabelText(/Your password/), {
      target: { value: 'secret-password' },
    });
    await userEvent.click(screen.getByRole('button', { name: 'Sign and submit' }));

    const refused = await screen.findByLabelText(/Expected return/);
    await waitFor(() => {
      expect(refused).toHaveAccessibleDescription(/Must be after today\./);
    });
    expect(refused).toHaveValue(nextWeek);
    expect(screen.getByLabelText(/^Purpose/)).toHaveValue('FDA audit');
    await waitFor(() => {
      expect(refused).toHaveFocus();
    });
    await userEvent.click(screen.getByRole('button', { name: 'Next' }));
    expect(screen.getByLabelText(/Your password/)).toHaveValue('secret-password');
    expect(api.calls.find((call) => call.method === 'POST')?.body).toMatchObject({
      expected_return_on: nextWeek,
      purpose: 'FDA audit',
    });
  });
});
