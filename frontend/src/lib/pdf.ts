import { ApiError, errorMessage, readBody } from '@/lib/api-client';
import { authFetch } from '@/lib/api/client';

/** Fetches a PDF with the session's token (a plain link cannot carry it). */
export async function fetchPdf(path: string, init: RequestInit = {}): Promise<Blob> {
  const headers = new Headers(init.headers);
  headers.set('Accept', 'application/pdf, application/json');
  const response = await authFetch(
    new Request(`${window.location.origin}${path}`, { ...init, headers }),
  );
  if (!response.ok) {
    const body = await readBody(response);
    throw new ApiError(response.status, errorMessage(response, body), body);
  }
  return response.blob();
}

/**
 * Shows a PDF: in `tab` (a window opened by the click itself, so no pop-up blocker stops it)
 * when there is one, else as a download named `filename`.
 */
export function showPdf(blob: Blob, filename: string, tab: Window | null): void {
  const url = URL.createObjectURL(blob);
  if (tab !== null && !tab.closed) {
    tab.location.href = url;
  } else {
    const link = document.createElement('a');
    link.href = url;
    link.download = filename;
    document.body.append(link);
    link.click();
    link.remove();
  }
  // The tab or the download has the bytes by then; free the memory.
  window.setTimeout(() => {
    URL.revokeObjectURL(url);
  }, 60_000);
}
