import { MantineProvider, createTheme } from '@mantine/core';
import { DatesProvider } from '@mantine/dates';
import { Notifications } from '@mantine/notifications';
import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';

import { createQueryClient } from '@/lib/query-client';

const theme = createTheme({
  primaryColor: 'blue',
  // Shade 8 keeps white button text, links and light badges at WCAG AA contrast (blue 6, the
  // default, is about 3.5:1 on white; blue 8 about 4.9:1).
  primaryShade: { light: 8, dark: 8 },
  defaultRadius: 'sm',
  // Focus rings for keyboard users (global.css adds a high-contrast outline on :focus-visible).
  focusRing: 'auto',
});

interface AppProvidersProps {
  children: ReactNode;
  /** Tests pass their own client; the app creates one per mount. */
  queryClient?: QueryClient;
}

export function AppProviders({ children, queryClient }: AppProvidersProps) {
  const [defaultClient] = useState(createQueryClient);
  return (
    <QueryClientProvider client={queryClient ?? defaultClient}>
      <MantineProvider theme={theme}>
        <DatesProvider settings={{ firstDayOfWeek: 1 }}>
          <Notifications position="top-right" />
          {children}
        </DatesProvider>
      </MantineProvider>
    </QueryClientProvider>
  );
}
