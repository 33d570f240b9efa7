/**
 * Downloads an authenticated file (CSV export, PDF): the token travels in the Authorization
 * header, never in the URL (which would end up in access logs and the browser history).
 */
import { ApiError, errorMessage, readBody } from '@/lib/api-client';
import { authFetch } from '@/lib/api/client';

/** The file name of a Content-Disposition header, or `fallback`. */
export function fileNameOf(disposition: string | null, fallback: string): string {
  if (disposition === null) {
    return fallback;
  }
  const encoded = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  if (encoded?.[1] !== undefined) {
    try {
      return decodeURIComponent(encoded[1]);
    } catch {
      // fall through to the plain form
    }
  }
  const plain = /filename="?([^";]+)"?/i.exec(disposition);
  return plain?.[1] ?? fallback;
}

export async function downloadFile(
  path: string,
  { accept, fallbackName }: { accept: string; fallbackName: string },
): Promise<string> {
  const response = await authFetch(
    new Request(`${window.location.origin}${path}`, { headers: { Accept: accept } }),
  );
  if (!response.ok) {
    const body = await readBody(response);
    throw new ApiError(response.status, errorMessage(response, body), body);
  }
  const blob = await response.blob();
  const name = fileNameOf(response.headers.get('Content-Disposition'), fallbackName);
  const url = URL.createObjectURL(blob);
  try {
    const link = document.createElement('a');
    link.href = url;
    link.download = name;
    link.rel = 'noopener';
    document.body.appendChild(link);
    link.click();
    link.remove();
  } finally {
    // Give the browser a moment to start the download before the URL goes away.
    setTimeout(() => {
      URL.revokeObjectURL(url);
    }, 10_000);
  }
  return name;
}
