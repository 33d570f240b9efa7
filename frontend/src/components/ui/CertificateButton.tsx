import { Button } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation } from '@tanstack/react-query';

import { downloadCertificate } from '@/lib/certificate';

/**
 * The destruction certificate of a completed destruction. A plain link to the API would go
 * without the bearer token (a 401); this fetches it with the token and saves the PDF.
 */
export function CertificateButton({
  request,
  variant = 'filled',
}: {
  request: { id: number; number: string };
  variant?: string;
}) {
  const download = useMutation({ mutationFn: downloadCertificate });
  return (
    <Button
      variant={variant}
      loading={download.isPending}
      onClick={() => {
        download.mutate(request, {
          onError: (error) => {
            notifications.show({
              color: 'red',
              title: 'The certificate could not be downloaded',
              message: error.message,
            });
          },
        });
      }}
    >
      Download destruction certificate
    </Button>
  );
}
