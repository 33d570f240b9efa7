import { useMutation } from '@tanstack/react-query';

import { fetchPdf, showPdf } from '@/lib/pdf';

export type LabelLayout = 'sheet' | 'single';

/** GET /crates/{id}/label.pdf — one label on a 100 x 50 mm page. */
export function getCrateLabel(id: number): Promise<Blob> {
  return fetchPdf(`/api/v1/crates/${String(id)}/label.pdf`);
}

/** POST /crates/labels/ — labels for several crates (A4 sheets of 2 x 7, or one per page). */
export function getCrateLabels(crates: number[], layout: LabelLayout): Promise<Blob> {
  return fetchPdf('/api/v1/crates/labels/', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ crates, layout }),
  });
}

interface PrintVariables {
  crates: number[];
  layout: LabelLayout;
  filename: string;
  /** A tab opened by the click itself (pop-up blockers allow only that); null: download. */
  tab: Window | null;
}

export function usePrintLabels() {
  return useMutation({
    mutationFn: async ({ crates, layout, filename, tab }: PrintVariables) => {
      try {
        const [only] = crates;
        const blob =
          crates.length === 1 && only !== undefined && layout === 'single'
            ? await getCrateLabel(only)
            : await getCrateLabels(crates, layout);
        showPdf(blob, filename, tab);
      } catch (error) {
        tab?.close();
        throw error;
      }
    },
  });
}
