import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, Route, Routes } from 'react-router';
import { describe, expect, it, vi } from 'vitest';

import type { Me } from '@/lib/api/types';
import { makeMe } from '@/test/fixtures';
import { liveEvent, renderWithLiveEvents } from '@/test/live-events';
import { renderWithProviders } from '@/test/render';
import { envelope, stubApi } from '@/test/stub-api';

import { makeDraft, makeRule, page } from './rule-fixture';
import { RetentionRulePage } from './RetentionRulePage';

const READ = ['records.view_retentionrule', 'records.view_crate'];
const VIEWER = makeMe({ id: 9, full_name: 'Viewer GOA1', role: 'Viewer', permissions: READ });
const APPROVER = makeMe({
  id: 3,
  full_name: 'QA Approver GOA1',
  role: 'Approver',
  permissions: [...READ, 'records.approve_retention_rule'],
});
const MANAGER = makeMe({
  id: 5,
  full_name: 'Document Manager GOA1',
  role: 'Document Manager',
  permissions: [...READ, 'records.add_retentionrule', 'records.change_retentionrule'],
});

const APPROVED = makeRule({
  approved_by: 3,
  approved_by_name: 'QA Approver GOA1',
  drafted_by: 5,
  drafted_by_name: 'Document Manager GOA1',
});
const DRAFT = makeDraft();

function renderPage(me: Me, id: number) {
  return renderWithProviders(
    <MemoryRouter initialEntries={[`/retention/rules/${String(id)}`]}>
      <Routes>
        <Route path="/retention/rules/:ruleId" element={<RetentionRulePage me={me} />} />
        <Route path="/retention/rules/:ruleId/edit" element={<p>Editor</p>} />
      </Routes>
    </MemoryRouter>,
  );
}

const APPROVAL = {
  rule: {
    ...DRAFT,
    status: 'APPROVED',
    approved_by: 3,
    approved_by_name: 'QA Approver GOA1',
    approved_at: '2026-12-06T10:00:00Z',
    effective_from: '2026-12-06',
    version: 2,
  },
  recomputed: {
    documents: 1204,
    eligibility_changed: 37,
    crates: 210,
    crates_left_eligibility: [41, 42],
  },
};

describe('RetentionRulePage', () => {
  it("shows the rule's fields and versions, and a viewer no actions", async () => {
    const api = stubApi({
      'GET /api/v1/retention-rules/7/': [{ body: APPROVED }],
      'GET /api/v1/retention-rules/': [{ body: page([APPROVED, DRAFT]) }],
    });
    vi.stubGlobal('fetch', api.fetchMock);
    renderPage(VIEWER, 7);
    expect(await screen.findByRole('heading', { name: /BMR-EXP\+1Y/ })).toBeInTheDocument();
    const content = screen.getByRole('region', { name: 'Rule' });
    expect(content).toHaveTextContent('BMR · all units');
    expect(content).toHaveTextContent('From the event BATCH_EXPIRY');
    expect(content).toHaveTextContent('1 year');
    expect(content).toHaveTextContent('Review');
    expect(content).toHaveTextContent('21 CFR 211.180(a)');
    // Versions, newest first, with who drafted and approved each.
    const v2 = await screen.findByTestId('version-2');
    expect(v2).toHaveTextContent('Draft');
    expect(v2).toHaveTextContent('Document Manager GOA1');
    expect(within(v2).getByRole('link', { name: 'v2' })).toHaveAttribute(
      'href',
      '/retention/rules/8',
    );
    expect(screen.getByTestId('version-1')).toHaveTextContent('Approved');
    expect(screen.getByTestId('version-1')).toHaveTextContent('QA Approver GOA1');
    expect(api.calls.find((c) => c.path === '/api/v1/retention-rules/')?.search).toContain(
      'code=BMR-EXP%2B1Y',
    );
    expect(within(screen.getByRole('group', { name: 'Actions' })).queryAllByRole('button')).toEqual(
      [],
    );
    expect(within(screen.getByRole('group', { name: 'Actions' })).queryAllByRole('link')).toEqual(
      [],
    );
    expect(screen.getByTestId('open-draft')).toHaveTextContent('Version 2 is being drafted');
  });

  it('offers a drafter the edit of an approved rule as a new version, or its open draft', async () => {
    vi.stubGlobal(
      'fetch',
      stubApi({
        'GET /api/v1/retention-rules/7/': [{ body: APPROVED }],
        'GET /api/v1/retention-rules/': [{ body: page([APPROVED]) }],
      }).fetchMock,
    );
    const first = renderPage(MANAGER, 7);
    expect(await screen.findByRole('link', { name: 'Edit (new version)' })).toHaveAttribute(
      'href',
      '/retention/rules/7/edit',
    );
    first.unmount();

    vi.stubGlobal(
      'fetch',
      stubApi({
        'GET /api/v1/retention-rules/7/': [{ body: APPROVED }],
        'GET /api/v1/retention-rules/': [{ body: page([APPROVED, DRAFT]) }],
      }).fetchMock,
    );
    renderPage(MANAGER, 7);
    expect(await screen.findByRole('link', { name: 'open draft version 2' })).toHaveAttribute(
      'href',
      '/retention/rules/8',
    );
    expect(screen.queryByRole('link', { name: 'Edit (new version)' })).not.toBeInTheDocument();
  });

  it('tells the drafter that someone else approves their draft', async () => {
    vi.stubGlobal(
      'fetch',
      stubApi({
        'GET /api/v1/retention-rules/8/': [{ body: DRAFT }],
        'GET /api/v1/retention-rules/': [{ body: page([DRAFT, APPROVED]) }],
      }).fetchMock,
    );
    renderPage(
      { ...MANAGER, permissions: [...MANAGER.permissions, 'records.approve_retention_rule'] },
      8,
    );
    expect(await screen.findByTestId('approve-refusal')).toHaveTextContent(
      'You drafted this version: someone else approves it.',
    );
    expect(screen.queryByRole('button', { name: 'Approve' })).not.toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Edit draft' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Discard draft' })).toBeInTheDocument();
  });

  it('approves through the signature dialog, showing what is signed and then what changed', async () => {
    const api = stubApi({
      'GET /api/v1/retention-rules/8/': [{ body: DRAFT }],
      'GET /api/v1/retention-rules/': [{ body: page([DRAFT, APPROVED]) }],
      'POST /api/v1/retention-rules/8/approve/': [{ body: APPROVAL }],
    });
    vi.stubGlobal('fetch', api.fetchMock);
    renderPage(APPROVER, 8);
    await userEvent.click(await screen.findByRole('button', { name: 'Approve' }));
    const dialog = await screen.findByRole('dialog');
    expect(dialog).toHaveTextContent('Signing as QA Approver GOA1');
    expect(within(dialog).getByTestId('signature-meaning')).toHaveTextContent(
      'Retention rule approved',
    );
    const signed = within(dialog).getByRole('group', { name: 'What you sign' });
    for (const text of [
      'BMR-EXP+1Y',
      'version 2',
      'BMR · all units',
      'From the event BATCH_EXPIRY',
      '2 years',
      'Review',
      '21 CFR 211.180(a): at least 1 year after the expiration date of the batch.',
      'replaces version 1',
    ]) {
      expect(signed).toHaveTextContent(text);
    }
    expect(within(dialog).getByTestId('every-unit')).toHaveTextContent(
      'only an approver of every unit may approve it',
    );
    // The password is required before anything is sent.
    await userEvent.click(within(dialog).getByRole('button', { name: 'Sign and approve' }));
    expect(await within(dialog).findByText('Enter your password to sign')).toBeInTheDocument();
    expect(api.calls.some((c) => c.method === 'POST')).toBe(false);

    await userEvent.type(within(dialog).getByLabelText(/^Reason/), 'Annual schedule review');
    await userEvent.type(within(dialog).getByLabelText(/Your password/), 'secret-password');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Sign and approve' }));
    await waitFor(() => {
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    });
    expect(api.calls.find((c) => c.method === 'POST')?.body).toEqual({
      version: 1,
      reason: 'Annual schedule review',
      signature: { password: 'secret-password' },
    });
    const result = screen.getByTestId('approval-result');
    expect(result).toHaveTextContent('BMR-EXP+1Y version 2 governs from 6 Dec 2026');
    expect(result).toHaveTextContent('1,204 documents recomputed');
    expect(result).toHaveTextContent('37 documents changed eligibility for destruction today');
    expect(result).toHaveTextContent('210 crates refreshed');
    expect(result).toHaveTextContent('2 crates no longer eligible for destruction');
    expect(within(result).getByRole('link', { name: '#41' })).toHaveAttribute('href', '/crates/41');
    expect(screen.getByTestId('rule-status')).toHaveTextContent('Approved');
  });

  it('shows a stale version as changed by someone else, keeps what was typed, and reloads', async () => {
    const changed = makeDraft({ period_years: 3, version: 2 });
    const api = stubApi({
      'GET /api/v1/retention-rules/8/': [{ body: DRAFT }, { body: changed }],
      'GET /api/v1/retention-rules/': [{ body: page([DRAFT, APPROVED]) }],
      'POST /api/v1/retention-rules/8/approve/': [
        {
          status: 409,
          body: envelope(
            'stale_version',
            'Someone else changed this rule since you read it (version 1, now 2); reload and try again.',
            { version: ['Current version is 2.'] },
          ),
        },
        { body: { ...APPROVAL, rule: { ...APPROVAL.rule, period_years: 3, version: 3 } } },
      ],
    });
    vi.stubGlobal('fetch', api.fetchMock);
    renderPage(APPROVER, 8);
    await userEvent.click(await screen.findByRole('button', { name: 'Approve' }));
    const dialog = await screen.findByRole('dialog');
    await userEvent.type(within(dialog).getByLabelText(/^Reason/), 'Review');
    await userEvent.type(within(dialog).getByLabelText(/Your password/), 'secret-password');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Sign and approve' }));

    const stale = await within(dialog).findByTestId('stale-notice');
    expect(stale).toHaveTextContent('Changed by someone else');
    expect(within(dialog).getByLabelText(/^Reason/)).toHaveValue('Review');
    expect(within(dialog).getByLabelText(/Your password/)).toHaveValue('secret-password');
    expect(within(dialog).getByRole('group', { name: 'What you sign' })).toHaveTextContent(
      '2 years',
    );

    await userEvent.click(within(stale).getByRole('button', { name: 'Reload the rule' }));
    // What is signed now is the current version, and its version goes with the signature.
    await waitFor(() => {
      expect(within(dialog).getByRole('group', { name: 'What you sign' })).toHaveTextContent(
        '3 years',
      );
    });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Sign and approve' }));
    await waitFor(() => {
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    });
    const posts = api.calls.filter((c) => c.method === 'POST');
    expect(posts.map((c) => (c.body as { version: number }).version)).toEqual([1, 2]);
  });

  it('empties only the password on a wrong one and changes nothing', async () => {
    vi.stubGlobal(
      'fetch',
      stubApi({
        'GET /api/v1/retention-rules/8/': [{ body: DRAFT }],
        'GET /api/v1/retention-rules/': [{ body: page([DRAFT, APPROVED]) }],
        'POST /api/v1/retention-rules/8/approve/': [
          {
            status: 403,
            body: envelope('invalid_signature', 'The signature password is not correct.'),
          },
        ],
      }).fetchMock,
    );
    renderPage(APPROVER, 8);
    await userEvent.click(await screen.findByRole('button', { name: 'Approve' }));
    const dialog = await screen.findByRole('dialog');
    await userEvent.type(within(dialog).getByLabelText(/^Reason/), 'Review');
    await userEvent.type(within(dialog).getByLabelText(/Your password/), 'wrong');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Sign and approve' }));
    expect(await within(dialog).findByText('The signature password is not correct.')).toBeVisible();
    expect(within(dialog).getByLabelText(/Your password/)).toHaveValue('');
    expect(within(dialog).getByLabelText(/^Reason/)).toHaveValue('Review');
    expect(screen.getByTestId('rule-status')).toHaveTextContent('Draft');
  });

  it('discards a draft with a reason, sending the version read', async () => {
    const api = stubApi({
      'GET /api/v1/retention-rules/8/': [{ body: DRAFT }],
      'GET /api/v1/retention-rules/': [{ body: page([DRAFT, APPROVED]) }],
      'POST /api/v1/retention-rules/8/discard/': [
        { body: { ...DRAFT, status: 'DISCARDED', version: 2 } },
      ],
    });
    vi.stubGlobal('fetch', api.fetchMock);
    renderPage(MANAGER, 8);
    await userEvent.click(await screen.findByRole('button', { name: 'Discard draft' }));
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Discard draft' }));
    expect(await within(dialog).findByText('A reason is required')).toBeInTheDocument();
    await userEvent.type(within(dialog).getByLabelText(/^Reason/), 'Superseded by a unit rule');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Discard draft' }));
    await waitFor(() => {
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    });
    expect(api.calls.find((c) => c.method === 'POST')?.body).toEqual({
      version: 1,
      reason: 'Superseded by a unit rule',
    });
    expect(screen.getByTestId('rule-status')).toHaveTextContent('Discarded');
  });

  it('follows the live stream: a change made elsewhere refreshes the rule and its versions', async () => {
    // Another id than the other tests': this tab changed rule 8 itself a moment ago.
    const draft = { ...DRAFT, id: 18 };
    const approvedDraft = { ...APPROVAL.rule, id: 18, approved_by_name: 'QA Approver MUM1' };
    const api = stubApi({
      'GET /api/v1/retention-rules/18/': [{ body: draft }, { body: approvedDraft }],
      'GET /api/v1/retention-rules/': [
        { body: page([draft, APPROVED]) },
        { body: page([approvedDraft, { ...APPROVED, status: 'SUPERSEDED' }]) },
      ],
    });
    vi.stubGlobal('fetch', api.fetchMock);
    const { send } = renderWithLiveEvents(
      <MemoryRouter initialEntries={['/retention/rules/18']}>
        <Routes>
          <Route path="/retention/rules/:ruleId" element={<RetentionRulePage me={MANAGER} />} />
        </Routes>
      </MemoryRouter>,
    );
    expect(await screen.findByTestId('rule-status')).toHaveTextContent('Draft');
    expect(await screen.findByTestId('version-1')).toHaveTextContent('Approved');

    // Another rule's event changes nothing here.
    send(liveEvent('rule', 99, { code: 'LOG-7Y', revision: 1, status: 'DRAFT' }, 1));
    expect(screen.queryByText('Changed by someone else')).not.toBeInTheDocument();

    send(liveEvent('rule', 18, { code: 'BMR-EXP+1Y', revision: 2, status: 'APPROVED' }, 2));
    expect(await screen.findByText('Changed by someone else')).toBeInTheDocument();
    expect(screen.getByText('BMR-EXP+1Y version 2 is approved.')).toBeInTheDocument();
    await waitFor(() => {
      expect(screen.getByTestId('rule-status')).toHaveTextContent('Approved');
    });
    await waitFor(() => {
      expect(screen.getByTestId('version-1')).toHaveTextContent('Superseded');
    });
    expect(screen.getByRole('region', { name: 'Rule' })).toHaveTextContent('QA Approver MUM1');
    expect(screen.queryByRole('link', { name: 'Edit draft' })).not.toBeInTheDocument();
  });

  it('keeps the content an open approval shows when the rule changes elsewhere, and says so', async () => {
    const changed = makeDraft({ period_years: 3, version: 2 });
    const api = stubApi({
      'GET /api/v1/retention-rules/8/': [{ body: DRAFT }, { body: changed }],
      'GET /api/v1/retention-rules/': [{ body: page([DRAFT, APPROVED]) }],
      'POST /api/v1/retention-rules/8/approve/': [
        { body: { ...APPROVAL, rule: { ...APPROVAL.rule, period_years: 3, version: 3 } } },
      ],
    });
    vi.stubGlobal('fetch', api.fetchMock);
    const { send } = renderWithLiveEvents(
      <MemoryRouter initialEntries={['/retention/rules/8']}>
        <Routes>
          <Route path="/retention/rules/:ruleId" element={<RetentionRulePage me={APPROVER} />} />
        </Routes>
      </MemoryRouter>,
    );
    await userEvent.click(await screen.findByRole('button', { name: 'Approve' }));
    const dialog = await screen.findByRole('dialog');
    await userEvent.type(within(dialog).getByLabelText(/Your password/), 'secret-password');

    send(liveEvent('rule', 8, { code: 'BMR-EXP+1Y', revision: 2, status: 'DRAFT' }));
    const stale = await within(dialog).findByTestId('stale-notice');
    expect(stale).toHaveTextContent('Sending now would be refused');
    // Still what the approver read, not what arrived meanwhile.
    expect(within(dialog).getByRole('group', { name: 'What you sign' })).toHaveTextContent(
      '2 years',
    );
    await userEvent.click(within(stale).getByRole('button', { name: 'Reload the rule' }));
    await waitFor(() => {
      expect(within(dialog).getByRole('group', { name: 'What you sign' })).toHaveTextContent(
        '3 years',
      );
    });
    expect(within(dialog).queryByTestId('stale-notice')).not.toBeInTheDocument();
    expect(within(dialog).getByLabelText(/Your password/)).toHaveValue('secret-password');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Sign and approve' }));
    await waitFor(() => {
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    });
    const posts = api.calls.filter((c) => c.method === 'POST');
    expect(posts.map((c) => (c.body as { version: number }).version)).toEqual([2]);
  });

  it("shows the refusal of a unit's approver to approve a rule of every unit, and changes nothing", async () => {
    const message =
      'Rule BMR-EXP+1Y v2 has no unit: it governs every unit, so an approver of every unit approves it. You do not approve for MUM1.';
    vi.stubGlobal(
      'fetch',
      stubApi({
        'GET /api/v1/retention-rules/8/': [{ body: DRAFT }],
        'GET /api/v1/retention-rules/': [{ body: page([DRAFT, APPROVED]) }],
        'POST /api/v1/retention-rules/8/approve/': [
          {
            status: 403,
            body: envelope('rule_beyond_your_units', message, {
              unit: ['Not one of your units: MUM1.'],
            }),
          },
        ],
      }).fetchMock,
    );
    renderPage(APPROVER, 8);
    await userEvent.click(await screen.findByRole('button', { name: 'Approve' }));
    const dialog = await screen.findByRole('dialog');
    await userEvent.type(within(dialog).getByLabelText(/Your password/), 'secret-password');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Sign and approve' }));
    expect(await within(dialog).findByText(/You do not approve for MUM1\./)).toBeVisible();
    expect(screen.getByTestId('rule-status')).toHaveTextContent('Draft');
  });
});
