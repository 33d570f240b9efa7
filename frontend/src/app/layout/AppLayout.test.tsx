import { screen, within } from '@testing-library/react';
import { MemoryRouter, Route, Routes } from 'react-router';
import { describe, expect, it } from 'vitest';

import { mockFetch } from '@/test/fetch-mock';
import { makeMe } from '@/test/fixtures';
import { renderWithProviders } from '@/test/render';

import { AppLayout } from './AppLayout';

function renderAt(url: string) {
  mockFetch({});
  renderWithProviders(
    <MemoryRouter initialEntries={[url]}>
      <Routes>
        <Route
          element={
            <AppLayout
              me={makeMe({
                permissions: ['compliance.view_audit_trail', 'review.review_audit_trail'],
              })}
            />
          }
        >
          <Route path="*" element={<p>Page</p>} />
        </Route>
      </Routes>
    </MemoryRouter>,
  );
  const nav = screen.getByRole('navigation', { name: 'Main navigation' });
  return within(nav)
    .getAllByRole('link')
    .filter((link) => link.hasAttribute('data-active'))
    .map((link) => link.textContent);
}

describe('the main navigation', () => {
  it('highlights only "Audit-trail reviews" on a review page', () => {
    expect(renderAt('/audit-reviews/3')).toEqual(['Audit-trail reviews']);
  });

  it('highlights only "Audit trail" on the audit trail', () => {
    expect(renderAt('/audit')).toEqual(['Audit trail']);
  });
});
