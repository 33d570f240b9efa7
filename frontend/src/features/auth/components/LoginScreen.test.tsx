import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { mockFetch } from '@/test/fetch-mock';
import { renderWithProviders } from '@/test/render';
import { envelope } from '@/test/stub-api';

import { LoginScreen } from './LoginScreen';

describe('LoginScreen', () => {
  it("puts the server's field message on its field and keeps what was typed", async () => {
    mockFetch({
      '/api/v1/auth/login/': {
        status: 400,
        body: envelope('validation_error', 'The submitted data is not valid.', {
          username: ['Ensure this field has no more than 150 characters.'],
        }),
      },
    });
    renderWithProviders(<LoginScreen />);
    await userEvent.type(await screen.findByLabelText(/^Username/), 'goa1-manager');
    await userEvent.type(screen.getByLabelText(/^Password/), 'secret-password');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    const username = screen.getByLabelText(/^Username/);
    await waitFor(() => {
      expect(username).toHaveAccessibleDescription(
        'Ensure this field has no more than 150 characters.',
      );
    });
    expect(screen.getByRole('alert')).toHaveTextContent('The submitted data is not valid.');
    expect(username).toHaveValue('goa1-manager');
    expect(screen.getByLabelText(/^Password/)).toHaveValue('secret-password');
  });
});
