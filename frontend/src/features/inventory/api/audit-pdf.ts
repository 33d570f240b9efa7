import { useMutation } from '@tanstack/react-query';

import { downloadFile } from '@/lib/download';
import { fetchPdf, showPdf } from '@/lib/pdf';

/** GET /inventory-audits/{id}/report.pdf with the session's token. */
export function useAuditReportPdf() {
  return useMutation({
    mutationFn: async ({
      id,
      filename,
      tab,
    }: {
      id: number;
      filename: string;
      tab: Window | null;
    }) => {
      try {
        showPdf(await fetchPdf(`/api/v1/inventory-audits/${String(id)}/report.pdf`), filename, tab);
      } catch (error) {
        tab?.close();
        throw error;
      }
    },
  });
}

/** GET /inventory-audits/{id}/report.csv: one row per expected crate and scanned code (the
 *  export itself is audited). */
export function useAuditReportCsv() {
  return useMutation({
    mutationFn: ({ id, number }: { id: number; number: string }) =>
      downloadFile(`/api/v1/inventory-audits/${String(id)}/report.csv`, {
        accept: 'text/csv',
        fallbackName: `${number}-report.csv`,
      }),
  });
}
