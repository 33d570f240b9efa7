import { Button } from '@mantine/core';
import { notifications } from '@mantine/notifications';

import { usePrintLabels, type LabelLayout } from '../api/print-labels';

interface LabelPrintButtonProps {
  crates: number[];
  layout: LabelLayout;
  filename: string;
  label: string;
  variant?: string;
  disabled?: boolean;
}

/**
 * Fetches the labels PDF (QR + code) and opens it in a new tab for printing. The tab is opened
 * by the click itself, so pop-up blockers let it through; without one the PDF downloads.
 */
export function LabelPrintButton({
  crates,
  layout,
  filename,
  label,
  variant = 'default',
  disabled = false,
}: LabelPrintButtonProps) {
  const print = usePrintLabels();
  return (
    <Button
      variant={variant}
      loading={print.isPending}
      disabled={disabled || crates.length === 0}
      onClick={() => {
        const tab = window.open('', '_blank');
        print.mutate(
          { crates, layout, filename, tab },
          {
            onError: (error) => {
              notifications.show({
                color: 'red',
                title: 'The labels could not be made',
                message: error.message,
              });
            },
          },
        );
      }}
    >
      {label}
    </Button>
  );
}
