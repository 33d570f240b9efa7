import { Alert, Button, Group, Paper, Stack, TextInput } from '@mantine/core';
import { useRef, useState } from 'react';

import { CameraScanner } from '@/components/ui/CameraScanner';
import type { CrateDetail } from '@/lib/api/types';

import { useLookupCrate } from '../api/lookup-crate';
import { scanProblem, type ScanProblem } from './scan-errors';

interface ScanBoxProps {
  onFound: (crate: CrateDetail) => void;
}

/**
 * Finds a crate by its code. A keyboard-wedge scanner types the code and Enter into the focused
 * field, so the field has focus on arrival and again after every miss, with the text selected so
 * the next scan replaces it. The camera button reads the label's QR code instead.
 */
export function ScanBox({ onFound }: ScanBoxProps) {
  const [code, setCode] = useState('');
  const [problem, setProblem] = useState<ScanProblem | null>(null);
  const [camera, setCamera] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const lookup = useLookupCrate();

  const find = (raw: string) => {
    const typed = raw.trim();
    if (typed === '') {
      return;
    }
    setProblem(null);
    lookup.mutate(typed, {
      onSuccess: (crate) => {
        setCode('');
        onFound(crate);
      },
      onError: (error) => {
        setCode(typed);
        setProblem(scanProblem(typed, error));
        input.current?.focus();
        input.current?.select();
      },
    });
  };

  return (
    <Paper withBorder p="md" component="section" aria-label="Find a crate by its code">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          find(code);
        }}
      >
        <Stack gap="sm">
          <Group align="flex-end" wrap="wrap">
            <TextInput
              ref={input}
              label="Scan or type a crate code"
              description="A scanner types the code and Enter; separators and case do not matter."
              placeholder="GOA1-QA-2026-000123-7"
              value={code}
              onChange={(event) => {
                setCode(event.currentTarget.value);
                setProblem(null);
              }}
              error={problem === null ? undefined : problem.title}
              autoFocus
              autoComplete="off"
              spellCheck={false}
              styles={{ input: { fontFamily: 'var(--font-mono)' } }}
              style={{ flex: '1 1 260px' }}
              data-testid="scan-input"
            />
            <Button type="submit" loading={lookup.isPending} disabled={code.trim() === ''}>
              Find
            </Button>
            <Button
              variant="default"
              onClick={() => {
                setCamera(true);
              }}
            >
              Scan with camera
            </Button>
          </Group>
          {problem !== null && (
            <Alert color="red" role="alert" title={problem.title} data-testid="scan-problem">
              {problem.message}
            </Alert>
          )}
        </Stack>
      </form>
      {camera && (
        <CameraScanner
          onClose={() => {
            setCamera(false);
            input.current?.focus();
          }}
          onCode={(scanned) => {
            setCamera(false);
            setCode(scanned);
            find(scanned);
          }}
        />
      )}
    </Paper>
  );
}
