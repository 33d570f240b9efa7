import { Alert, Button, Group, Stack, Text, TextInput, UnstyledButton } from '@mantine/core';
import { useState } from 'react';

import type { Crate } from '@/lib/api/types';
import { formatDate } from '@/lib/format';

import { lookupCrate } from '../api/lookup-crate';

interface CratePickerProps {
  /** The search box's text (the page debounces it into its query). */
  term: string;
  onTermChange: (term: string) => void;
  /** The crates the page's query found for the term (undefined while none was asked). */
  results: Crate[] | undefined;
  loading: boolean;
  listLabel: string;
  emptyText: string;
  /** Why a crate cannot be chosen for this request, or null when it can. */
  blocker: (crate: Crate) => string | null;
  onPick: (crate: Crate) => void;
}

/**
 * Choose a crate: scan its label (a keyboard-wedge scanner types the code and Enter, which
 * looks the exact code up, check digit included) or pick from the crates the search found.
 * Crates that cannot be chosen say why instead of being offered.
 */
export function CratePicker({
  term,
  onTermChange,
  results,
  loading,
  listLabel,
  emptyText,
  blocker,
  onPick,
}: CratePickerProps) {
  const [lookupError, setLookupError] = useState<string | null>(null);

  const lookup = async () => {
    setLookupError(null);
    try {
      const crate = await lookupCrate(term.trim());
      const reason = blocker(crate);
      if (reason === null) {
        onPick(crate);
      } else {
        setLookupError(`${crate.code}: ${reason}`);
      }
    } catch (error) {
      setLookupError(error instanceof Error ? error.message : 'Not found');
    }
  };

  return (
    <Stack mt="md">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void lookup();
        }}
      >
        <Group align="flex-end">
          <TextInput
            label="Crate code or search"
            description="Scan the label (the scanner types the code and Enter) or type part of a code or description."
            value={term}
            onChange={(event) => {
              setLookupError(null);
              onTermChange(event.currentTarget.value);
            }}
            autoFocus
            style={{ flex: 1 }}
          />
          <Button type="submit" variant="default" disabled={term.trim() === ''}>
            Look up code
          </Button>
        </Group>
      </form>
      {lookupError !== null && (
        <Alert color="red" role="alert">
          {lookupError}
        </Alert>
      )}
      {loading && <Text c="dimmed">Searching…</Text>}
      {results !== undefined && (
        <Stack gap={4} role="list" aria-label={listLabel}>
          {results.length === 0 && <Text c="dimmed">{emptyText}</Text>}
          {results.map((crate) => {
            const reason = blocker(crate);
            return (
              <UnstyledButton
                key={crate.id}
                role="listitem"
                disabled={reason !== null}
                aria-disabled={reason !== null}
                onClick={() => {
                  onPick(crate);
                }}
                p="xs"
                className="pick-row"
                style={reason === null ? undefined : { cursor: 'not-allowed', opacity: 0.75 }}
              >
                <Text ff="monospace" fw={600}>
                  {crate.code}
                </Text>
                <Text size="sm" c="dimmed">
                  {crate.location_code ?? 'no shelf'} · {crate.document_count} documents · keep
                  until {crate.retain_permanently ? 'permanently' : formatDate(crate.destroy_after)}
                  {crate.description === '' ? '' : ` · ${crate.description}`}
                </Text>
                {reason !== null && (
                  <Text size="sm" c="red.8">
                    {reason}
                  </Text>
                )}
              </UnstyledButton>
            );
          })}
        </Stack>
      )}
    </Stack>
  );
}
