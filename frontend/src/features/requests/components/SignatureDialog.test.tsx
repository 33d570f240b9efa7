import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { mockFetch } from '@/test/fetch-mock';
import { makeRequest } from '@/test/fixtures';
import { renderWithProviders } from '@/test/render';

import { ACTIONS } from './request-actions';
import { SignatureDialog } from './SignatureDialog';

const approve = ACTIONS.find((spec) => spec.action === 'approve');
const reject = ACTIONS.find((spec) => spec.action === 'reject');

function renderDialog(spec = approve) {
  if (spec === undefined) {
    throw new Error('missing action');
  }
  const onDone = vi.fn();
  renderWithProviders(
    <SignatureDialog
      request={makeRequest()}
      spec={spec}
      signerName="Approver GOA1"
      onClose={vi.fn()}
      onDone={onDone}
    />,
  );
  return { onDone };
}

describe('SignatureDialog', () => {
  it('shows who signs and what the signature means', async () => {
    renderDialog();
    expect(await screen.findByRole('dialog')).toHaveTextContent('Signing as Approver GOA1');
    expect(screen.getByTestId('signature-meaning')).toHaveTextContent('Approved');
  });

  it("shows the server's message for a wrong password and stays open", async () => {
    const { requestedPaths } = mockFetch({
      '/api/v1/requests/7/approve/': {
        status: 403,
        body: {
          error: {
            code: 'invalid_signature',
            message: 'The signature password is not correct.',
            details: {},
            request_id: 'x',
          },
        },
      },
    });
    const { onDone } = renderDialog();
    await userEvent.type(await screen.findByLabelText(/Your password/), 'wrong');
    await userEvent.click(screen.getByRole('button', { name: 'Sign and approve' }));
    expect(await screen.findByText('The signature password is not correct.')).toBeInTheDocument();
    expect(screen.getByText('Not signed — nothing was changed')).toBeInTheDocument();
    expect(onDone).not.toHaveBeenCalled();
    expect(screen.getByLabelText(/Your password/)).toHaveValue('');
    expect(requestedPaths).toEqual(['/api/v1/requests/7/approve/']);
  });

  it('signs with password, reason and the version read', async () => {
    const fetchSpy = mockFetch({
      '/api/v1/requests/7/approve/': { body: makeRequest({ status: 'APPROVED', version: 2 }) },
    });
    const { onDone } = renderDialog();
    await userEvent.type(await screen.findByLabelText(/Reason/), 'Checked');
    await userEvent.type(screen.getByLabelText(/Your password/), 'secret-password');
    await userEvent.click(screen.getByRole('button', { name: 'Sign and approve' }));
    await waitFor(() => {
      expect(onDone).toHaveBeenCalledOnce();
    });
    const request = fetchSpy.fetchMock.mock.calls[0]?.[0] as Request;
    expect(await request.json()).toEqual({
      version: 1,
      signature: { password: 'secret-password' },
      reason: 'Checked',
    });
  });

  it('requires a reason where the transition does', async () => {
    const { fetchMock } = mockFetch({});
    renderDialog(reject);
    await userEvent.type(await screen.findByLabelText(/Your password/), 'secret-password');
    await userEvent.click(screen.getByRole('button', { name: 'Sign and reject' }));
    expect(await screen.findByText('A reason is required')).toBeInTheDocument();
    expect(fetchMock).not.toHaveBeenCalled();
  });
});
