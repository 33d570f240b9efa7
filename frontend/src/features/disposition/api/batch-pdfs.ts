import { useMutation } from '@tanstack/react-query';

import { fetchPdf, showPdf } from '@/lib/pdf';

export type BatchPdf = 'pick-list' | 'certificate';

/** GET /destruction-batches/{id}/pick-list.pdf or certificate.pdf, with the session's token. */
export function getBatchPdf(id: number, kind: BatchPdf): Promise<Blob> {
  return fetchPdf(`/api/v1/destruction-batches/${String(id)}/${kind}.pdf`);
}

interface PdfVariables {
  id: number;
  kind: BatchPdf;
  filename: string;
  /** A tab opened by the click itself (pop-up blockers allow only that); null: download. */
  tab: Window | null;
}

export function useBatchPdf() {
  return useMutation({
    mutationFn: async ({ id, kind, filename, tab }: PdfVariables) => {
      try {
        showPdf(await getBatchPdf(id, kind), filename, tab);
      } catch (error) {
        tab?.close();
        throw error;
      }
    },
  });
}
