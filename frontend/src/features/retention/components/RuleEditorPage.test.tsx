import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createMemoryRouter, RouterProvider, useParams } from 'react-router';
import { describe, expect, it, vi } from 'vitest';

import type { Me } from '@/lib/api/types';
import { makeMe } from '@/test/fixtures';
import { liveEvent, renderWithLiveEvents } from '@/test/live-events';
import { renderWithProviders } from '@/test/render';
import { envelope, present, stubApi } from '@/test/stub-api';

import { DOCUMENT_TYPES, EVENTS, makeDraft, makeRule, page } from './rule-fixture';
import { RuleEditorPage } from './RuleEditorPage';

const MANAGER = makeMe({
  id: 5,
  full_name: 'Document Manager GOA1',
  role: 'Document Manager',
  permissions: [
    'records.view_retentionrule',
    'records.add_retentionrule',
    'records.change_retentionrule',
  ],
});

function RuleStub() {
  return <p>Rule page {useParams().ruleId}</p>;
}

function renderAt(url: string, me: Me = MANAGER) {
  const router = createMemoryRouter(
    [
      { path: '/retention/rules/new', element: <RuleEditorPage me={me} /> },
      { path: '/retention/rules/:ruleId/edit', element: <RuleEditorPage me={me} /> },
      { path: '/retention/rules/:ruleId', element: <RuleStub /> },
    ],
    { initialEntries: [url] },
  );
  return renderWithProviders(<RouterProvider router={router} />);
}

const COMMON = {
  'GET /api/v1/document-types/': [{ body: DOCUMENT_TYPES }],
  'GET /api/v1/retention-events/': [{ body: EVENTS }],
  'GET /api/v1/departments/': [
    {
      body: page([
        { id: 1, unit: 1, unit_code: 'GOA1', code: 'QA', name: 'Quality', is_active: true },
      ]),
    },
  ],
};

async function choose(label: RegExp, option: RegExp) {
  const select = await screen.findByRole('combobox', { name: label });
  await userEvent.click(select);
  await waitFor(() => {
    expect(select).toHaveAttribute('aria-controls');
  });
  const list = within(present(document.getElementById(select.getAttribute('aria-controls') ?? '')));
  await userEvent.click(await list.findByRole('option', { name: option, hidden: true }));
}

describe('RuleEditorPage', () => {
  it('checks the obvious requirements before sending, and the event only for an event rule', async () => {
    const api = stubApi(COMMON);
    vi.stubGlobal('fetch', api.fetchMock);
    renderAt('/retention/rules/new');
    await userEvent.click(await screen.findByRole('button', { name: 'Save draft' }));
    expect(await screen.findByText(/Capitals, digits and _ \+ \. -/)).toBeInTheDocument();
    expect(screen.getByText('Give the rule a title')).toBeInTheDocument();
    expect(screen.getByText('Choose the document type the rule governs')).toBeInTheDocument();
    expect(
      screen.getByText('A period is required unless the rule is permanent'),
    ).toBeInTheDocument();
    expect(screen.getByText('Cite the law or guideline the period comes from')).toBeInTheDocument();
    expect(screen.queryByRole('combobox', { name: /^Event/ })).not.toBeInTheDocument();

    await choose(/^Trigger/, /From an event date/);
    expect(await screen.findByRole('combobox', { name: /^Event/ })).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Save draft' }));
    expect(await screen.findByText('Choose the event the period runs from')).toBeInTheDocument();

    // A permanent trigger needs no period and keeps the records permanently.
    await choose(/^Trigger/, /^Permanent$/);
    expect(screen.queryByLabelText(/Period: years/)).not.toBeInTheDocument();
    expect(screen.getByRole('combobox', { name: /Action at the end/ })).toHaveValue(
      'Keep permanently',
    );
    expect(api.calls.some((c) => c.method === 'POST')).toBe(false);
  });

  it('drafts a new rule and opens it', async () => {
    const created = makeDraft({ id: 12, code: 'LOG-PREP+5Y', revision: 1 });
    const api = stubApi({
      ...COMMON,
      'POST /api/v1/retention-rules/': [{ status: 201, body: created }],
    });
    vi.stubGlobal('fetch', api.fetchMock);
    renderAt('/retention/rules/new');
    fireEvent.change(await screen.findByLabelText(/^Code/), { target: { value: 'log-prep+5y' } });
    fireEvent.change(screen.getByLabelText(/^Title/), {
      target: { value: 'Logbooks: five years' },
    });
    await choose(/^Document type/, /LOG — Logbook/);
    await choose(/^Unit/, /GOA1/);
    await choose(/^Trigger/, /From an event date/);
    await choose(/^Event/, /Study closed/);
    await userEvent.clear(screen.getByLabelText(/Period: years/));
    await userEvent.type(screen.getByLabelText(/Period: years/), '5');
    await userEvent.clear(screen.getByLabelText(/Period: months/));
    await userEvent.type(screen.getByLabelText(/Period: months/), '6');
    fireEvent.change(screen.getByLabelText(/^Citation/), { target: { value: '21 CFR 211.182' } });
    await userEvent.click(screen.getByRole('button', { name: 'Save draft' }));
    expect(await screen.findByText('Rule page 12')).toBeInTheDocument();
    expect(api.calls.find((c) => c.method === 'POST')?.body).toEqual({
      code: 'LOG-PREP+5Y',
      title: 'Logbooks: five years',
      doc_type: 3,
      unit: 1,
      department: null,
      trigger: 'EVENT',
      event: 2,
      period_years: 5,
      period_months: 6,
      action: 'DESTROY',
      citation: '21 CFR 211.182',
    });
  });

  it("puts the server's refusal on its fields and keeps what was typed", async () => {
    const api = stubApi({
      ...COMMON,
      'POST /api/v1/retention-rules/': [
        {
          status: 400,
          body: envelope(
            'rule_code_taken',
            'Rule BMR-EXP+1Y exists: edit it to draft its next version.',
            {
              code: ['Already used.'],
            },
          ),
        },
      ],
    });
    vi.stubGlobal('fetch', api.fetchMock);
    renderAt('/retention/rules/new');
    fireEvent.change(await screen.findByLabelText(/^Code/), { target: { value: 'BMR-EXP+1Y' } });
    fireEvent.change(screen.getByLabelText(/^Title/), { target: { value: 'Batch records' } });
    await choose(/^Document type/, /BMR — Batch Record/);
    await userEvent.clear(screen.getByLabelText(/Period: years/));
    await userEvent.type(screen.getByLabelText(/Period: years/), '10');
    fireEvent.change(screen.getByLabelText(/^Citation/), { target: { value: 'Site policy' } });
    await userEvent.click(screen.getByRole('button', { name: 'Save draft' }));

    const code = screen.getByLabelText(/^Code/);
    await waitFor(() => {
      expect(code).toHaveAccessibleDescription(/Already used\./);
    });
    const notSaved = present(screen.getByText('Not saved').closest<HTMLElement>('[role=alert]'));
    expect(notSaved).toHaveTextContent(
      'Rule BMR-EXP+1Y exists: edit it to draft its next version.',
    );
    expect(code).toHaveValue('BMR-EXP+1Y');
    expect(screen.getByLabelText(/^Title/)).toHaveValue('Batch records');
    expect(screen.getByLabelText(/^Citation/)).toHaveValue('Site policy');
    expect(screen.getByLabelText(/Period: years/)).toHaveValue('10');
  });

  it('edits an approved rule into a new draft version, with the scope fixed', async () => {
    const approved = makeRule();
    const draft = makeDraft({ period_years: 2, citation: 'Amended citation' });
    const api = stubApi({
      ...COMMON,
      'GET /api/v1/retention-rules/7/': [{ body: approved }],
      'PATCH /api/v1/retention-rules/7/': [{ status: 201, body: draft }],
    });
    vi.stubGlobal('fetch', api.fetchMock);
    renderAt('/retention/rules/7/edit');
    expect(await screen.findByText(/Saving drafts version 2 of BMR-EXP\+1Y/)).toBeInTheDocument();
    expect(screen.getByLabelText(/^Code/)).toBeDisabled();
    expect(screen.getByRole('combobox', { name: /^Document type/ })).toBeDisabled();
    const years = screen.getByLabelText(/Period: years/);
    await userEvent.clear(years);
    await userEvent.type(years, '2');
    const citation = screen.getByLabelText(/^Citation/);
    fireEvent.change(citation, { target: { value: 'Amended citation' } });
    await userEvent.click(screen.getByRole('button', { name: 'Save as new draft version' }));
    expect(await screen.findByText('Rule page 8')).toBeInTheDocument();
    expect(api.calls.find((c) => c.method === 'PATCH')?.body).toEqual({
      version: 2,
      title: approved.title,
      trigger: 'EVENT',
      event: 1,
      period_years: 2,
      period_months: 0,
      action: 'REVIEW',
      citation: 'Amended citation',
    });
  });

  it('says a stale draft was changed by someone else, keeps the edit, and sends the reloaded version', async () => {
    const draft = makeDraft();
    const api = stubApi({
      ...COMMON,
      'GET /api/v1/retention-rules/8/': [{ body: draft }, { body: { ...draft, version: 3 } }],
      'PATCH /api/v1/retention-rules/8/': [
        {
          status: 409,
          body: envelope(
            'stale_version',
            'Someone else changed this rule since you read it (version 1, now 3); reload and try again.',
          ),
        },
        { body: { ...draft, title: 'Batch records (amended)', version: 4 } },
      ],
    });
    vi.stubGlobal('fetch', api.fetchMock);
    renderAt('/retention/rules/8/edit');
    const title = await screen.findByLabelText(/^Title/);
    fireEvent.change(title, { target: { value: 'Batch records (amended)' } });
    await userEvent.click(screen.getByRole('button', { name: 'Save draft' }));
    const stale = await screen.findByTestId('stale-notice');
    expect(stale).toHaveTextContent('Changed by someone else');
    expect(screen.getByLabelText(/^Title/)).toHaveValue('Batch records (amended)');

    await userEvent.click(within(stale).getByRole('button', { name: 'Reload the rule' }));
    await waitFor(() => {
      expect(
        api.calls.filter((c) => c.method === 'GET' && c.path === '/api/v1/retention-rules/8/'),
      ).toHaveLength(2);
    });
    expect(screen.getByLabelText(/^Title/)).toHaveValue('Batch records (amended)');
    await userEvent.click(screen.getByRole('button', { name: 'Save draft' }));
    expect(await screen.findByText('Rule page 8')).toBeInTheDocument();
    const patches = api.calls.filter((c) => c.method === 'PATCH');
    expect(patches.map((c) => (c.body as { version: number }).version)).toEqual([1, 3]);
    expect(patches[1]?.body).toMatchObject({ title: 'Batch records (amended)' });
  });

  it('says as soon as the live stream tells that the draft changed elsewhere, and sends the version read until reloaded', async () => {
    const draft = makeDraft();
    const api = stubApi({
      ...COMMON,
      'GET /api/v1/retention-rules/8/': [{ body: draft }, { body: { ...draft, version: 3 } }],
      'PATCH /api/v1/retention-rules/8/': [
        { body: { ...draft, title: 'Batch records (amended)', version: 4 } },
      ],
    });
    vi.stubGlobal('fetch', api.fetchMock);
    const router = createMemoryRouter(
      [
        { path: '/retention/rules/:ruleId/edit', element: <RuleEditorPage me={MANAGER} /> },
        { path: '/retention/rules/:ruleId', element: <RuleStub /> },
      ],
      { initialEntries: ['/retention/rules/8/edit'] },
    );
    const { send } = renderWithLiveEvents(<RouterProvider router={router} />);
    const title = await screen.findByLabelText(/^Title/);
    fireEvent.change(title, { target: { value: 'Batch records (amended)' } });
    expect(screen.queryByTestId('stale-notice')).not.toBeInTheDocument();

    send(liveEvent('rule', 8, { code: 'BMR-EXP+1Y', revision: 2, status: 'DRAFT' }));
    const stale = await screen.findByTestId('stale-notice');
    expect(stale).toHaveTextContent('Sending now would be refused');
    expect(screen.getByLabelText(/^Title/)).toHaveValue('Batch records (amended)');

    await userEvent.click(within(stale).getByRole('button', { name: 'Reload the rule' }));
    await waitFor(() => {
      expect(screen.queryByTestId('stale-notice')).not.toBeInTheDocument();
    });
    expect(screen.getByLabelText(/^Title/)).toHaveValue('Batch records (amended)');
    await userEvent.click(screen.getByRole('button', { name: 'Save draft' }));
    expect(await screen.findByText('Rule page 8')).toBeInTheDocument();
    const patches = api.calls.filter((c) => c.method === 'PATCH');
    expect(patches.map((c) => (c.body as { version: number }).version)).toEqual([3]);
  });
});
