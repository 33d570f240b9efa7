import { Text } from '@mantine/core';
import type { ReactNode } from 'react';

/** One labelled value of a detail screen: a small dimmed caption above the value. */
export function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text>{children}</Text>
    </div>
  );
}
