import { describe, expect, it } from 'vitest';

import { ApiError } from '@/lib/api-client';
import { makeMe } from '@/test/fixtures';
import { envelope } from '@/test/stub-api';

import { csvRowErrors, previewEventsCsv } from './events-csv';
import { ruleActions } from './rule-actions';
import { makeDraft, makeRule } from './rule-fixture';
import { EMPTY_RULE, createBodyOf, editBodyOf, validateRule, valuesOf } from './rule-form';
import { periodText, ruleSummary, scopeText } from './rule-text';
import { paramsFromRuleFilters, ruleFiltersFromParams } from './schedule-filters';

describe('rule text', () => {
  it('names the scope from the most specific part and the period in words', () => {
    expect(scopeText(makeRule())).toBe('BMR · all units');
    expect(scopeText(makeRule({ unit_code: 'GOA1' }))).toBe('BMR · GOA1');
    expect(scopeText(makeRule({ unit_code: 'GOA1', department_code: 'QA' }))).toBe(
      'BMR · GOA1 / QA',
    );
    expect(periodText(1, 0)).toBe('1 year');
    expect(periodText(0, 1)).toBe('1 month');
    expect(periodText(2, 6)).toBe('2 years 6 months');
    expect(ruleSummary(makeRule())).toBe('1 year from the event BATCH_EXPIRY, then review');
    expect(ruleSummary(makeRule({ action: 'PERMANENT' }))).toBe('Kept permanently');
  });
});

describe('rule form', () => {
  it('asks for a period unless the rule is permanent, and months 0 to 11', () => {
    const base = { ...EMPTY_RULE, code: 'X-1', title: 'T', docType: '1', citation: 'C' };
    expect(validateRule(base, true)).toEqual({
      periodYears: 'A period is required unless the rule is permanent',
    });
    expect(validateRule({ ...base, action: 'PERMANENT' }, true)).toEqual({});
    expect(validateRule({ ...base, trigger: 'PERMANENT' }, true)).toEqual({});
    expect(validateRule({ ...base, periodMonths: 12 }, true)).toEqual({
      periodMonths: 'Whole months, 0 to 11',
    });
    expect(validateRule({ ...base, periodYears: 1.5 }, true).periodYears).toBe(
      'Whole years, 0 to 200',
    );
    expect(validateRule({ ...base, code: 'bad code', periodYears: 1 }, true).code).toMatch(
      /Capitals/,
    );
    // The code is fixed once drafted: not checked when editing.
    expect(validateRule({ ...base, code: '', periodYears: 1 }, false)).toEqual({});
  });

  it('sends no event and no period where the trigger has none, and the scope only on creation', () => {
    const values = {
      ...EMPTY_RULE,
      code: ' val-perm ',
      title: ' Validation ',
      docType: '2',
      unit: '1',
      trigger: 'PERMANENT',
      event: '1',
      periodYears: 3,
      action: 'PERMANENT',
      citation: ' Annex 15 ',
    };
    expect(createBodyOf(values)).toEqual({
      code: 'VAL-PERM',
      title: 'Validation',
      doc_type: 2,
      unit: 1,
      department: null,
      trigger: 'PERMANENT',
      event: null,
      period_years: 0,
      period_months: 0,
      action: 'PERMANENT',
      citation: 'Annex 15',
    });
    const rule = makeRule({ version: 4 });
    const body = editBodyOf(rule, valuesOf(rule));
    expect(body).toEqual({
      version: 4,
      title: rule.title,
      trigger: 'EVENT',
      event: 1,
      period_years: 1,
      period_months: 0,
      action: 'REVIEW',
      citation: rule.citation,
    });
    expect(body).not.toHaveProperty('doc_type');
  });
});

describe('rule actions', () => {
  const manager = makeMe({
    id: 5,
    permissions: ['records.view_retentionrule', 'records.change_retentionrule'],
  });
  const approver = makeMe({
    id: 3,
    permissions: ['records.view_retentionrule', 'records.approve_retention_rule'],
  });
  const approved = makeRule();
  const draft = makeDraft();

  it('lets a drafter edit, and an approver other than the drafter approve', () => {
    expect(ruleActions(manager, approved, [approved])).toMatchObject({
      edit: 'new-version',
      approve: false,
      discard: false,
    });
    expect(ruleActions(manager, approved, [draft, approved])).toMatchObject({
      edit: null,
      openDraft: draft,
    });
    expect(ruleActions(manager, draft, [draft, approved])).toMatchObject({
      edit: 'draft',
      discard: true,
      approve: false,
      approveRefusal: null,
    });
    expect(ruleActions(approver, draft, [draft])).toMatchObject({ edit: null, approve: true });
    const both = makeMe({ id: 5, permissions: [...manager.permissions, ...approver.permissions] });
    expect(ruleActions(both, draft, [draft])).toMatchObject({
      approve: false,
      approveRefusal: 'You drafted this version: someone else approves it.',
    });
    const superseded = makeRule({ status: 'SUPERSEDED' });
    expect(ruleActions(both, superseded, [superseded])).toMatchObject({
      edit: null,
      approve: false,
      discard: false,
    });
  });
});

describe('events CSV', () => {
  it('reads semicolons, quotes, a byte-order mark and numbers lines as the server does', () => {
    const preview = previewEventsCsv(
      '\uFEFFUnit;Document_Number;Event;Date\r\n\r\nGOA1;"BMR;1 ""A""";BATCH_EXPIRY;2027-01-31\r\n',
    );
    expect(preview.header).toEqual(['unit', 'document_number', 'event', 'date']);
    expect(preview.missing).toEqual([]);
    expect(preview.rows).toEqual([
      {
        line: 3,
        values: {
          unit: 'GOA1',
          document_number: 'BMR;1 "A"',
          event: 'BATCH_EXPIRY',
          date: '2027-01-31',
        },
      },
    ]);
    expect(previewEventsCsv('document_number,event\n').missing).toEqual(['date']);
  });

  it("turns the server's refusal into rows by line and field", () => {
    const error = new ApiError(
      400,
      'x',
      envelope('invalid_events', 'x', {
        events: { '12': { event: ["Unknown event 'EXP'."] }, '3': { unit: ['Required.'] } },
        file: ['Too large.'],
      }),
    );
    expect(csvRowErrors(error)).toEqual([
      { line: null, field: null, message: 'Too large.' },
      { line: 3, field: 'unit', message: 'Required.' },
      { line: 12, field: 'event', message: "Unknown event 'EXP'." },
    ]);
  });
});

describe('schedule filters', () => {
  it('default to the approved schedule and keep other statuses in the URL', () => {
    expect(ruleFiltersFromParams(new URLSearchParams(''))).toEqual({
      doc_type: undefined,
      status: 'APPROVED',
    });
    expect(ruleFiltersFromParams(new URLSearchParams('status=ALL&doc_type=x'))).toEqual({
      doc_type: undefined,
      status: undefined,
    });
    expect(paramsFromRuleFilters({ status: 'APPROVED' }).toString()).toBe('');
    expect(paramsFromRuleFilters({ doc_type: 2, status: 'DRAFT' }).toString()).toBe(
      'doc_type=2&status=DRAFT',
    );
    expect(paramsFromRuleFilters({}).toString()).toBe('status=ALL');
  });
});
