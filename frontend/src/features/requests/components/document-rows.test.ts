import { describe, expect, it } from 'vitest';

import { emptyRow, rowComplete, rowFromCsv, toDocumentInput } from './document-rows';

describe('storage document rows', () => {
  it('reads "permanent" from the CSV as retain permanently', () => {
    const row = rowFromCsv({
      number: 'BMR-1',
      title: 'Batch 1',
      doc_type: 'BMR',
      department: '',
      prepared_on: '2026-01-02',
      retention_until: 'permanent',
    });
    expect(rowComplete(row)).toBe(true);
    expect(toDocumentInput(row)).toEqual({
      number: 'BMR-1',
      title: 'Batch 1',
      doc_type: 'BMR',
      prepared_on: '2026-01-02',
      retention_until: null,
      retain_permanently: true,
    });
  });

  it('needs a number, a title and an ISO preparation date', () => {
    const row = { ...emptyRow(), number: 'X-1', title: 'T', preparedOn: '02/01/2026' };
    expect(rowComplete(row)).toBe(false);
    expect(rowComplete({ ...row, preparedOn: '2026-01-02' })).toBe(true);
  });
});
