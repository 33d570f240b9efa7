import { downloadFile } from '@/lib/download';

/** GET /requests/{id}/certificate.pdf with the session's token, saved as a file. */
export function downloadCertificate(request: { id: number; number: string }): Promise<string> {
  return downloadFile(`/api/v1/requests/${String(request.id)}/certificate.pdf`, {
    accept: 'application/pdf',
    fallbackName: `${request.number}-certificate.pdf`,
  });
}
