import { Alert, Button, Group, Radio, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';

import type { Crate } from '@/lib/api/types';
import { formatDate } from '@/lib/format';

import { lookupCrate } from '@/entities/crates/lookup-crate';

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
  /** The crate chosen so far (its choice is checked). */
  selectedId: number | null;
  /**
   * A crate was chosen: by its scanned or typed code (`lookup`, the page moves on) or among
   * the choices (`choice`: arrow keys move through them, so the page waits for Next).
   */
  onPick: (crate: Crate, via: 'lookup' | 'choice') => void;
}

/**
 * Choose a crate: scan its label (a keyboard-wedge scanner types the code and Enter, which
 * looks the exact code up, check digit included) or pick from the crates the search found, a
 * group of radio buttons (labelled, keyboard operable). Crates that cannot be chosen are
 * disabled and say why.
 */
export function CratePicker({
  term,
  onTermChange,
  results,
  loading,
  listLabel,
  emptyText,
  blocker,
  selectedId,
  onPick,
}: CratePickerProps) {
  const [lookupError, setLookupError] = useState<string | null>(null);

  const lookup = async () => {
    setLookupError(null);
    try {
      const crate = await lookupCrate(term.trim());
      const reason = blocker(crate);
      if (reason === null) {
        onPick(crate, 'lookup');
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
      {results?.length === 0 && <Text c="dimmed">{emptyText}</Text>}
      {results?.length ? (
        <Radio.Group
          label={listLabel}
          value={selectedId === null ? null : String(selectedId)}
          onChange={(value) => {
            const crate = results.find((candidate) => String(candidate.id) === value);
            if (crate !== undefined && blocker(crate) === null) {
              onPick(crate, 'choice');
            }
          }}
        >
          <Stack gap={4} mt="xs">
            {results.map((crate) => {
              const reason = blocker(crate);
              return (
                <Radio
                  key={crate.id}
                  value={String(crate.id)}
                  disabled={reason !== null}
                  className="pick-row"
                  p="xs"
                  label={
                    <Text span ff="monospace" fw={600} className="crate-code">
                      {crate.code}
                    </Text>
                  }
                  description={
                    <>
                      {crate.location_code ?? 'no shelf'} · {crate.document_count} documents · keep
                      until{' '}
                      {crate.retain_permanently ? 'permanently' : formatDate(crate.destroy_after)}
                      {crate.description === '' ? '' : ` · ${crate.description}`}
                      {reason !== null && (
                        <Text span display="block" size="sm" c="red.9">
                          {reason}
                        </Text>
                      )}
                    </>
                  }
                />
              );
            })}
          </Stack>
        </Radio.Group>
      ) : null}
    </Stack>
  );
}
