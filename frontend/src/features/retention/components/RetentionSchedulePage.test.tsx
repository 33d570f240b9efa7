import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { makeMe } from '@/test/fixtures';
import { renderRoute } from '@/test/render-route';
import { present, stubApi } from '@/test/stub-api';

import { DOCUMENT_TYPES, makeDraft, makeRule, page } from './rule-fixture';
import { RetentionSchedulePage } from './RetentionSchedulePage';

const VIEWER = makeMe({ permissions: ['records.view_retentionrule'] });
const MANAGER = makeMe({
  permissions: ['records.view_retentionrule', 'records.add_retentionrule'],
});

const APPROVED = [
  makeRule({
    approved_by: 3,
    approved_by_name: 'QA Approver GOA1',
    approved_at: '2026-12-01T09:00:00Z',
  }),
  makeRule({
    id: 9,
    code: 'LOG-PREP+7Y',
    title: 'Logbooks: seven years',
    doc_type: 3,
    doc_type_code: 'LOG',
    unit: 1,
    unit_code: 'GOA1',
    department: 1,
    department_code: 'QA',
    trigger: 'PREPARED',
    event: null,
    event_code: null,
    period_years: 7,
    period_months: 6,
    action: 'DESTROY',
    citation: '21 CFR 211.182',
    revision: 3,
  }),
];

describe('RetentionSchedulePage', () => {
  it('lists the approved schedule with scope, trigger, period, action, citation and approval', async () => {
    const api = stubApi({
      'GET /api/v1/retention-rules/': [{ body: page(APPROVED) }],
      'GET /api/v1/document-types/': [{ body: DOCUMENT_TYPES }],
    });
    vi.stubGlobal('fetch', api.fetchMock);
    renderRoute('/retention/rules', '/retention/rules', <RetentionSchedulePage me={VIEWER} />);
    const table = await screen.findByRole('table', { name: 'Retention rules' });
    const bmr = await within(table).findByTestId('rule-row-BMR-EXP+1Y-1');
    expect(within(bmr).getByRole('link', { name: 'BMR-EXP+1Y' })).toHaveAttribute(
      'href',
      '/retention/rules/7',
    );
    for (const text of [
      'BMR',
      'All units',
      'From the event BATCH_EXPIRY',
      '1 year',
      'Review',
      '21 CFR 211.180(a)',
      'v1',
      'Approved',
      'QA Approver GOA1',
    ]) {
      expect(bmr).toHaveTextContent(text);
    }
    const log = within(table).getByTestId('rule-row-LOG-PREP+7Y-3');
    for (const text of [
      'GOA1 / QA',
      'From the preparation date',
      '7 years 6 months',
      'Destroy',
      'Initial setup',
    ]) {
      expect(log).toHaveTextContent(text);
    }
    // The schedule is the approved rules unless the filter says otherwise.
    expect(api.calls.find((c) => c.path === '/api/v1/retention-rules/')?.search).toContain(
      'status=APPROVED',
    );
    // Wide tables scroll sideways on a tablet instead of squeezing their columns.
    expect(screen.getByRole('region', { name: 'Retention rules' })).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'New rule' })).not.toBeInTheDocument();
  });

  it('filters by document type and shows drafts on request, in the URL', async () => {
    const api = stubApi({
      'GET /api/v1/retention-rules/': [{ body: page([makeDraft()]) }, { body: page(APPROVED) }],
      'GET /api/v1/document-types/': [{ body: DOCUMENT_TYPES }],
    });
    vi.stubGlobal('fetch', api.fetchMock);
    const { router } = renderRoute(
      '/retention/rules',
      '/retention/rules?doc_type=1&status=DRAFT',
      <RetentionSchedulePage me={MANAGER} />,
    );
    expect(await screen.findByTestId('rule-row-BMR-EXP+1Y-2')).toHaveTextContent('Draft');
    const search = api.calls.find((c) => c.path === '/api/v1/retention-rules/')?.search ?? '';
    expect(search).toContain('doc_type=1');
    expect(search).toContain('status=DRAFT');
    expect(screen.getByRole('link', { name: 'New rule' })).toHaveAttribute(
      'href',
      '/retention/rules/new',
    );

    const status = screen.getByRole('combobox', { name: 'Status' });
    await userEvent.click(status);
    await waitFor(() => {
      expect(status).toHaveAttribute('aria-controls');
    });
    const list = within(
      present(document.getElementById(status.getAttribute('aria-controls') ?? '')),
    );
    await userEvent.click(await list.findByRole('option', { name: 'Every version', hidden: true }));
    await waitFor(() => {
      expect(router.state.location.search).toBe('?doc_type=1&status=ALL');
    });
    await waitFor(() => {
      expect(
        api.calls.filter((c) => c.path === '/api/v1/retention-rules/').at(-1)?.search,
      ).not.toContain('status=');
    });
  });
});
