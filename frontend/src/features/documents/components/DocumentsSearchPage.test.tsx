import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { describe, expect, it } from 'vitest';

import { mockFetch } from '@/test/fetch-mock';
import { makeMe } from '@/test/fixtures';
import { renderWithProviders } from '@/test/render';

import { DocumentsSearchPage } from './DocumentsSearchPage';

const PAGE = {
  next: null,
  previous: null,
  results: [
    {
      id: 11,
      number: 'GOA1-BMR-00001',
      title: 'Batch record 1',
      doc_type: 1,
      doc_type_code: 'BMR',
      doc_type_name: 'Batch Record',
      department: 1,
      department_code: 'QA',
      prepared_on: '2015-01-15',
      retention_until: '2035-12-31',
      retain_permanently: false,
      status: 'ACTIVE',
      attachment_count: 0,
      crate: 5,
      crate_code: 'GOA1-QA-2026-000005-2',
      crate_status: 'IN_STORAGE',
      location_code: 'GOA1/R01/K01/S1',
      unit: 1,
      unit_code: 'GOA1',
      created_at: '2026-11-23T03:00:00Z',
    },
  ],
};

describe('DocumentsSearchPage', () => {
  it('searches through the server and links each result to its crate', async () => {
    const { fetchMock } = mockFetch({
      '/api/v1/documents/': { body: PAGE },
      '/api/v1/document-types/': { body: [{ id: 1, code: 'BMR', name: 'Batch Record' }] },
    });
    renderWithProviders(
      <MemoryRouter initialEntries={['/documents']}>
        <DocumentsSearchPage
          me={makeMe({ permissions: ['records.view_document', 'records.view_crate'] })}
        />
      </MemoryRouter>,
    );
    expect(
      await screen.findByRole('link', { name: 'Crate GOA1-QA-2026-000005-2 of GOA1-BMR-00001' }),
    ).toHaveAttribute('href', '/crates/5');
    await userEvent.type(screen.getByRole('searchbox', { name: /Search/ }), 'batch 2015');
    await waitFor(() => {
      const searched = fetchMock.mock.calls
        .map(([input]) => new URL((input as Request).url))
        .filter((url) => url.pathname === '/api/v1/documents/')
        .map((url) => url.searchParams.get('search'));
      expect(searched).toContain('batch 2015');
    });
  });
});
