import { Alert, Button, Group, Paper, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useRef, useState } from 'react';

import { CameraScanner } from '@/components/ui/CameraScanner';
import { ScrollTable } from '@/components/ui/ScrollTable';
import { ApiError } from '@/lib/api-client';
import { formatDateTime } from '@/lib/format';

import { useShelfScans } from '../api/get-audit';
import { shelfDone, useAuditMutation, useScan } from '../api/audit-actions';
import type { AuditDetail, AuditResultKind, AuditShelf } from '../api/types';
import { newScanKey, resultWord } from './audit-logic';

interface LastScan {
  code: string;
  result: AuditResultKind;
  again: boolean;
}

const HINTS: Partial<Record<AuditResultKind, string>> = {
  MISPLACED: 'Expected on another shelf of this audit.',
  UNEXPECTED: 'Not expected here: recorded elsewhere, issued, destroyed or missing.',
  UNKNOWN: 'No crate has this code.',
};

/**
 * Counting one shelf: a keyboard-wedge scanner types each label and Enter into the focused
 * field (kept focused, emptied after each scan); the camera reads a QR label instead. Each scan
 * is sent with its own key, so a retry after a lost answer is recorded once. What was scanned
 * comes from the server, so a reload mid-shelf shows the shelf as it was left.
 */
export function ShelfScanner({
  audit,
  shelf,
  canScan,
}: {
  audit: AuditDetail;
  shelf: AuditShelf;
  canScan: boolean;
}) {
  const [code, setCode] = useState('');
  const [last, setLast] = useState<LastScan | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [camera, setCamera] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const scans = useShelfScans(audit.id, shelf.shelf_id);
  const scan = useScan(audit.id);
  const done = useAuditMutation(audit.id, () => shelfDone(audit.id, shelf.shelf_id));
  const counting = canScan && shelf.done_at === null;

  const send = (raw: string) => {
    const typed = raw.trim();
    if (typed === '') {
      return;
    }
    setProblem(null);
    setCode('');
    scan.mutate(
      { shelf: shelf.shelf_id, code: typed, client_key: newScanKey() },
      {
        onSuccess: (outcome) => {
          setLast({ code: outcome.scan.code, result: outcome.result, again: !outcome.created });
        },
        onError: (error) => {
          setCode(typed);
          setProblem(error instanceof ApiError ? error.message : String(error));
        },
        onSettled: () => {
          input.current?.focus();
          input.current?.select();
        },
      },
    );
  };

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="shelf-scanner">
      <Group justify="space-between" mb="sm">
        <div>
          <Title order={2} size="h4" id="shelf-scanner">
            Shelf {shelf.full_code}
          </Title>
          <Text size="sm" data-testid="shelf-progress">
            {shelf.scanned_count} scanned · {shelf.expected_count} expected
            {shelf.done_at === null ? '' : ` · counted ${formatDateTime(shelf.done_at)}`}
          </Text>
        </div>
        {counting && (
          <Button
            variant="light"
            loading={done.isPending}
            onClick={() => {
              done.mutate(undefined);
            }}
          >
            Shelf done
          </Button>
        )}
      </Group>
      {done.isError && (
        <Alert color="red" role="alert" mb="sm" title="The shelf could not be completed">
          {done.error.message}
        </Alert>
      )}
      {counting && (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            send(code);
          }}
        >
          <Stack gap="sm">
            <Group align="flex-end" wrap="wrap">
              <TextInput
                ref={input}
                label="Scan or type a crate code"
                description="Each crate on this shelf, one after the other; the scanner's Enter records it."
                placeholder="GOA1-QA-2026-000123-7"
                value={code}
                onChange={(event) => {
                  setCode(event.currentTarget.value);
                  setProblem(null);
                }}
                error={problem ?? undefined}
                autoFocus
                autoComplete="off"
                spellCheck={false}
                styles={{ input: { fontFamily: 'var(--font-mono)' } }}
                style={{ flex: '1 1 260px' }}
                data-testid="audit-scan-input"
              />
              <Button type="submit" loading={scan.isPending} disabled={code.trim() === ''}>
                Record
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
          </Stack>
        </form>
      )}
      {last !== null && (
        <Alert
          mt="sm"
          role="status"
          color={last.result === 'FOUND' ? 'green' : 'orange'}
          data-testid="last-scan"
          title={`${last.code}: ${resultWord(last.result)}${last.again ? ' (already recorded)' : ''}`}
        >
          {HINTS[last.result] ?? 'Expected on this shelf.'}
        </Alert>
      )}
      <ScrollTable minWidth={520} label="Scans of this shelf">
        <Table mt="sm" aria-label={`Scans of shelf ${shelf.full_code}`}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Code</Table.Th>
              <Table.Th scope="col">By</Table.Th>
              <Table.Th scope="col">At</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(scans.data ?? []).map((row) => (
              <Table.Tr key={row.id} data-testid={`scan-${row.code}`}>
                <Table.Td ff="monospace">{row.code}</Table.Td>
                <Table.Td>{row.scanned_by_name}</Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  {formatDateTime(row.scanned_at)}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollTable>
      {scans.data?.length === 0 && (
        <Text size="sm" c="dimmed" mt="xs">
          Nothing scanned on this shelf yet.
        </Text>
      )}
      {camera && (
        <CameraScanner
          onClose={() => {
            setCamera(false);
            input.current?.focus();
          }}
          onCode={(scanned) => {
            setCamera(false);
            send(scanned);
          }}
        />
      )}
    </Paper>
  );
}
