import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';

import type { Me } from '@/lib/api/types';
import { CurrentUserContext } from '@/lib/auth/current-user';
import { mockFetch } from '@/test/fetch-mock';
import { makeActions, makeMe, makeRequest } from '@/test/fixtures';
import { fakeReauthWindow } from '@/test/reauth-window';
import { renderWithProviders } from '@/test/render';
import { envelope, present, stubApi } from '@/test/stub-api';

import type { AvailableAction } from './request-actions';
import { SignatureDialog } from './SignatureDialog';

const STATUS = '/api/v1/auth/signing-session/';
const continuing = { body: { username_required: false, expires_at: null, idle_minutes: 30 } };
const firstOfSession = { body: { username_required: true, expires_at: null, idle_minutes: 30 } };

function posted(fetchMock: ReturnType<typeof mockFetch>['fetchMock']): Request[] {
  return fetchMock.mock.calls
    .map((call) => call[0] as Request)
    .filter((request) => request instanceof Request && request.method === 'POST');
}

const [approve, reject] = makeActions('approve', 'reject');

/** The dialog of `spec`, signed by `user` when given (the signing method is theirs). */
function renderDialog(spec = approve, user?: Me) {
  if (spec === undefined) {
    throw new Error('missing action');
  }
  const onDone = vi.fn();
  const dialog = (
    <SignatureDialog
      request={makeRequest()}
      spec={spec}
      signerName="Approver GOA1"
      onClose={vi.fn()}
      onDone={onDone}
    />
  );
  renderWithProviders(
    user === undefined ? (
      dialog
    ) : (
      <CurrentUserContext.Provider value={user}>{dialog}</CurrentUserContext.Provider>
    ),
  );
  return { onDone };
}

describe('SignatureDialog', () => {
  it('shows what is signed: request number, type, crate code and document count', async () => {
    renderWithProviders(
      <SignatureDialog
        request={makeRequest({ type: 'DESTRUCTION' })}
        documentCount={14}
        spec={present(approve, 'approve action')}
        signerName="Approver GOA1"
        onClose={vi.fn()}
        onDone={vi.fn()}
      />,
    );
    const what = await screen.findByRole('group', { name: 'What you sign' });
    expect(what).toHaveTextContent(
      'REQ-2026-000007 · Destruction · crate GOA1-QA-2026-000003-5 · the whole crate: 14 documents',
    );
  });

  it('shows who signs and what the signature means', async () => {
    renderDialog();
    expect(await screen.findByRole('dialog')).toHaveTextContent('Signing as Approver GOA1');
    expect(screen.getByTestId('signature-meaning')).toHaveTextContent('Approved');
  });

  it("shows the server's message for a wrong password and stays open", async () => {
    const { requestedPaths } = mockFetch({
      [STATUS]: continuing,
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
    expect(requestedPaths.filter((path) => path !== STATUS)).toEqual([
      '/api/v1/requests/7/approve/',
    ]);
  });

  it('signs with password, reason and the version read', async () => {
    const fetchSpy = mockFetch({
      [STATUS]: continuing,
      '/api/v1/requests/7/approve/': { body: makeRequest({ status: 'APPROVED', version: 2 }) },
    });
    const { onDone } = renderDialog();
    await userEvent.type(await screen.findByLabelText(/Reason/), 'Checked');
    expect(screen.queryByLabelText(/User ID/)).not.toBeInTheDocument();
    await userEvent.type(screen.getByLabelText(/Your password/), 'secret-password');
    await userEvent.click(screen.getByRole('button', { name: 'Sign and approve' }));
    await waitFor(() => {
      expect(onDone).toHaveBeenCalledOnce();
    });
    const [request] = posted(fetchSpy.fetchMock);
    expect(await request?.json()).toEqual({
      version: 1,
      signature: { password: 'secret-password' },
      reason: 'Checked',
    });
  });

  it('requires a reason where the transition does', async () => {
    const { fetchMock } = mockFetch({ [STATUS]: continuing });
    renderDialog(reject);
    await userEvent.type(await screen.findByLabelText(/Your password/), 'secret-password');
    await userEvent.click(screen.getByRole('button', { name: 'Sign and reject' }));
    expect(await screen.findByText('A reason is required')).toBeInTheDocument();
    expect(posted(fetchMock)).toEqual([]);
  });

  it('asks for the user ID up front at the first signature of a session', async () => {
    const fetchSpy = mockFetch({
      [STATUS]: firstOfSession,
      '/api/v1/requests/7/approve/': { body: makeRequest({ status: 'APPROVED', version: 2 }) },
    });
    const { onDone } = renderDialog();
    const userId = await screen.findByLabelText(/User ID/);
    expect(userId).toBeRequired();
    // The focus starts at the first field, the reason above it.
    await waitFor(() => {
      expect(screen.getByLabelText(/Reason/)).toHaveFocus();
    });
    await userEvent.type(screen.getByLabelText(/Your password/), 'secret-password');
    await userEvent.click(screen.getByRole('button', { name: 'Sign and approve' }));
    expect(await screen.findByText('Enter your user ID to sign')).toBeInTheDocument();
    expect(posted(fetchSpy.fetchMock)).toEqual([]);

    await userEvent.type(userId, ' goa1-approver ');
    await userEvent.click(screen.getByRole('button', { name: 'Sign and approve' }));
    await waitFor(() => {
      expect(onDone).toHaveBeenCalledOnce();
    });
    const [request] = posted(fetchSpy.fetchMock);
    expect(await request?.json()).toEqual({
      version: 1,
      signature: { username: 'goa1-approver', password: 'secret-password' },
      reason: '',
    });
    // The signature changes the answer: it is asked again.
    await waitFor(() => {
      expect(fetchSpy.requestedPaths.filter((path) => path === STATUS).length).toBe(2);
    });
  });

  it('shows the user ID when the server asks for it, keeping what was typed', async () => {
    mockFetch({
      [STATUS]: continuing,
      '/api/v1/requests/7/approve/': {
        status: 400,
        body: {
          error: {
            code: 'signature_username_required',
            message: 'Your user ID and password are required for the first signature of a session.',
            details: { signature: { username: ['Required.'] } },
            request_id: 'x',
          },
        },
      },
    });
    renderDialog();
    await userEvent.type(await screen.findByLabelText(/Reason/), 'Checked');
    await userEvent.type(screen.getByLabelText(/Your password/), 'secret-password');
    await userEvent.click(screen.getByRole('button', { name: 'Sign and approve' }));
    const userId = await screen.findByLabelText(/User ID/);
    expect(userId).toHaveAccessibleDescription(/Required\./);
    await waitFor(() => {
      expect(userId).toHaveFocus();
    });
    expect(screen.getByLabelText(/Your password/)).toHaveValue('secret-password');
    expect(screen.getByLabelText(/Reason/)).toHaveValue('Checked');
  });

  it("puts a refused user ID's message on the field", async () => {
    mockFetch({
      [STATUS]: firstOfSession,
      '/api/v1/requests/7/approve/': {
        status: 403,
        body: {
          error: {
            code: 'signature_invalid',
            message: 'The user ID is not yours; nothing was changed.',
            details: { signature: { username: ['Not your user ID.'] } },
            request_id: 'x',
          },
        },
      },
    });
    renderDialog();
    await userEvent.type(await screen.findByLabelText(/User ID/), 'goa1-approver2');
    await userEvent.type(screen.getByLabelText(/Your password/), 'secret-password');
    await userEvent.click(screen.getByRole('button', { name: 'Sign and approve' }));
    expect(await screen.findByText('Not your user ID.')).toBeInTheDocument();
    expect(screen.getByLabelText(/User ID/)).toHaveValue('goa1-approver2');
    expect(screen.getByLabelText(/User ID/)).toHaveAttribute('aria-invalid', 'true');
  });

  it("puts a refused field's message on it and keeps the reason and password typed", async () => {
    mockFetch({
      [STATUS]: continuing,
      '/api/v1/requests/7/approve/': {
        status: 400,
        body: {
          error: {
            code: 'validation_error',
            message: 'The submitted data is not valid.',
            details: { reason: ['Ensure this field has no more than 2000 characters.'] },
            request_id: 'x',
          },
        },
      },
    });
    const { onDone } = renderDialog();
    await userEvent.type(await screen.findByLabelText(/^Reason/), 'Checked against the BMR');
    await userEvent.type(screen.getByLabelText(/Your password/), 'secret-password');
    await userEvent.click(screen.getByRole('button', { name: 'Sign and approve' }));
    const reason = screen.getByLabelText(/^Reason/);
    await waitFor(() => {
      expect(reason).toHaveAccessibleDescription(
        'Ensure this field has no more than 2000 characters.',
      );
    });
    expect(reason).toHaveValue('Checked against the BMR');
    expect(screen.getByLabelText(/Your password/)).toHaveValue('secret-password');
    expect(onDone).not.toHaveBeenCalled();
  });

  it('lists in the alert what the server refused beyond the fields of the dialog', async () => {
    mockFetch({
      [STATUS]: continuing,
      '/api/v1/requests/7/approve/': {
        status: 400,
        body: {
          error: {
            code: 'invalid_target',
            message: 'The target shelf cannot take this crate.',
            details: { target_location: ['Same as the current shelf.'] },
            request_id: 'x',
          },
        },
      },
    });
    renderDialog();
    await userEvent.type(await screen.findByLabelText(/Your password/), 'secret-password');
    await userEvent.click(screen.getByRole('button', { name: 'Sign and approve' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'The target shelf cannot take this crate. target_location: Same as the current shelf.',
    );
    expect(screen.getByLabelText(/Your password/)).toHaveValue('secret-password');
  });
});

/** The request page's pattern: a button opens the dialog, closing unmounts it. */
function Opener({ spec }: { spec: AvailableAction }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        onClick={() => {
          setOpen(true);
        }}
      >
        {spec.label}
      </button>
      {open && (
        <SignatureDialog
          request={makeRequest()}
          spec={spec}
          signerName="Approver GOA1"
          onClose={() => {
            setOpen(false);
          }}
          onDone={vi.fn()}
        />
      )}
    </>
  );
}

describe('SignatureDialog for the keyboard and screen readers', () => {
  it.each([
    ['Esc', () => userEvent.keyboard('{Escape}')],
    ['the close button', () => userEvent.click(screen.getByRole('button', { name: 'Close' }))],
    [
      'Close without signing',
      () => userEvent.click(screen.getByRole('button', { name: 'Close without signing' })),
    ],
  ])(
    'starts at the reason and gives the focus back to the opening button after %s',
    async (_how, close) => {
      mockFetch({ [STATUS]: continuing });
      renderWithProviders(<Opener spec={present(approve, 'approve action')} />);
      const opener = screen.getByRole('button', { name: 'Approve' });
      await userEvent.click(opener);
      const dialog = await screen.findByRole('dialog');
      // The X in the corner has a name ("Close"), not just an icon.
      expect(screen.getByRole('button', { name: 'Close' })).toBeInTheDocument();
      await waitFor(() => {
        expect(screen.getByLabelText(/Reason/)).toHaveFocus();
      });
      await close();
      await waitFor(() => {
        expect(dialog).not.toBeInTheDocument();
      });
      expect(opener).toHaveFocus();
    },
  );

  it('starts at the first field of the action when it has one above the reason', async () => {
    mockFetch({ [STATUS]: continuing });
    const allocate = present(makeActions('allocate')[0], 'allocate action');
    renderWithProviders(<Opener spec={allocate} />);
    await userEvent.click(screen.getByRole('button', { name: allocate.label }));
    await screen.findByRole('dialog');
    await waitFor(() => {
      expect(screen.getByLabelText(/^Shelf/, { selector: 'input' })).toHaveFocus();
    });
  });
});

describe('SignatureDialog for a user who signs by re-authenticating at the provider', () => {
  const oidcUser = makeMe({ auth_source: 'oidc', signing_method: 'reauthenticate' });
  const approvePath = '/api/v1/requests/7/approve/';

  /**
   * The dialog of a reject for the provider's user, the server (`signed`: its answer to the
   * signed request) and the stand-in re-authentication window.
   */
  function openForOidcUser(
    signed: { status?: number; body: unknown },
    reauthWindow: { blocked?: boolean } = {},
  ) {
    const { calls } = stubServer(signed);
    const browser = fakeReauthWindow(reauthWindow);
    const { onDone } = renderDialog(reject, oidcUser);
    return { calls, browser, onDone };
  }

  /** Types the reason and clicks the button that opens the provider's window. */
  async function confirmAtProvider() {
    await userEvent.type(await screen.findByLabelText(/Reason/), 'Wrong crate');
    await userEvent.click(
      await screen.findByRole('button', { name: 'Confirm identity with Okta and reject' }),
    );
  }

  function stubServer(signed: { status?: number; body: unknown }) {
    const stub = stubApi({
      [STATUS]: [continuing],
      '/api/v1/auth/options/': [
        { body: { oidc_enabled: true, oidc_provider_name: 'Okta', local_passwords: 'on' } },
      ],
      'POST /api/v1/auth/oidc/start/': [
        { body: { authorization_url: 'https://okta.example.test/authorize', state: 's-9' } },
      ],
      'POST /api/v1/auth/oidc/callback/': [
        { body: { reauthentication: 'ticket-9', expires_at: '2026-12-06T20:02:00Z' } },
      ],
      [`POST ${approvePath.replace('approve', 'reject')}`]: [signed],
    });
    vi.stubGlobal('fetch', stub.fetchMock);
    return stub;
  }

  it('asks for no password: the window opens at the click and the ticket signs the request', async () => {
    const { calls, browser, onDone } = openForOidcUser({
      body: makeRequest({ status: 'REJECTED', version: 2 }),
    });
    await screen.findByRole('button', { name: 'Confirm identity with Okta and reject' });
    expect(screen.queryByLabelText(/Your password/)).not.toBeInTheDocument();
    expect(screen.queryByLabelText(/User ID/)).not.toBeInTheDocument();
    await confirmAtProvider();
    // Opened in the click itself, before any request (a later one would be blocked).
    expect(browser.open).toHaveBeenCalledOnce();
    await waitFor(() => {
      expect(browser.popup.location.assign).toHaveBeenCalledWith(
        'https://okta.example.test/authorize',
      );
    });
    expect(calls.find((call) => call.path === '/api/v1/auth/oidc/start/')?.body).toEqual({
      purpose: 'sign',
      method: 'POST',
      path: '/api/v1/requests/7/reject/',
    });
    expect(screen.getByRole('status')).toHaveTextContent(
      'Confirm your identity in the Okta window',
    );
    browser.answer('s-9', 'code-9');
    await waitFor(() => {
      expect(onDone).toHaveBeenCalledOnce();
    });
    expect(calls.find((call) => call.path === '/api/v1/requests/7/reject/')?.body).toEqual({
      version: 1,
      signature: { password: '', reauthentication: 'ticket-9' },
      reason: 'Wrong crate',
    });
  });

  it('keeps what was typed and says why when the window is blocked', async () => {
    const { calls, onDone } = openForOidcUser({ body: makeRequest() }, { blocked: true });
    await confirmAtProvider();
    expect(await screen.findByRole('alert')).toHaveTextContent(
      /blocked the sign-in window.*nothing was signed/,
    );
    expect(screen.getByLabelText(/Reason/)).toHaveValue('Wrong crate');
    expect(calls.filter((call) => call.method === 'POST')).toEqual([]);
    expect(onDone).not.toHaveBeenCalled();
  });

  it("shows the server's refusal of the signed request, keeping the reason", async () => {
    const { browser } = openForOidcUser({
      status: 403,
      body: envelope('reauthentication_wrong_user', 'You confirmed the identity of another user.'),
    });
    await confirmAtProvider();
    await waitFor(() => {
      expect(browser.popup.location.assign).toHaveBeenCalled();
    });
    browser.answer('s-9', 'code-9');
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'You confirmed the identity of another user.',
    );
    expect(screen.getByLabelText(/Reason/)).toHaveValue('Wrong crate');
  });
});

describe('SignatureDialog for a user who signs with a signing password', () => {
  it('asks for the signing password in the password field and sends it as the password', async () => {
    const fetchSpy = mockFetch({
      [STATUS]: continuing,
      '/api/v1/requests/7/approve/': { body: makeRequest({ status: 'APPROVED', version: 2 }) },
    });
    const { onDone } = renderDialog(
      approve,
      makeMe({ auth_source: 'oidc', signing_method: 'signing_password' }),
    );
    await userEvent.type(await screen.findByLabelText(/Your signing password/), 'signing-phrase');
    await userEvent.click(screen.getByRole('button', { name: 'Sign and approve' }));
    await waitFor(() => {
      expect(onDone).toHaveBeenCalledOnce();
    });
    const [request] = posted(fetchSpy.fetchMock);
    expect(await request?.json()).toEqual({
      version: 1,
      signature: { password: 'signing-phrase' },
      reason: '',
    });
  });
});
