import { Anchor, Checkbox, Table, Text } from '@mantine/core';
import { Link } from 'react-router';

import { ScrollTable } from '@/components/ui/ScrollTable';
import type { EligibleCrate } from '@/lib/api/types';
import { formatDate } from '@/lib/format';

import { isClaimed } from './eligible-crates';

const NOWRAP = { whiteSpace: 'nowrap' } as const;

function Holder({ crate }: { crate: EligibleCrate }) {
  const holder = crate.claimed_by;
  if (holder === null) {
    return null;
  }
  const request = holder.kind === 'REQUEST';
  return (
    <Text size="sm" c="dimmed" data-testid={`held-${crate.code}`}>
      Held by{' '}
      <Anchor
        component={Link}
        to={
          request ? `/requests/${String(holder.id)}` : `/destruction-batches/${String(holder.id)}`
        }
        size="sm"
      >
        {request ? `open request #${String(holder.id)}` : `open batch #${String(holder.id)}`}
      </Anchor>
    </Text>
  );
}

interface EligibleCratesTableProps {
  label: string;
  rows: readonly EligibleCrate[];
  selected: ReadonlySet<number>;
  onSelect: (crateIds: readonly number[], on: boolean) => void;
  /** Crate id → why the server refused it (shown on its row). */
  refusals: Record<string, string>;
  busy: boolean;
}

/**
 * Crates whose retention has ended, with check boxes to choose them into a batch. A crate an
 * open request or another open batch holds says which, links to it, and cannot be chosen.
 */
export function EligibleCratesTable({
  label,
  rows,
  selected,
  onSelect,
  refusals,
  busy,
}: EligibleCratesTableProps) {
  const free = rows.filter((crate) => !isClaimed(crate)).map((crate) => crate.id);
  const selectedFree = free.filter((crateId) => selected.has(crateId)).length;
  const allFree = free.length > 0 && selectedFree === free.length;
  return (
    <ScrollTable minWidth={760} label={label}>
      <Table striped highlightOnHover aria-label={label} aria-busy={busy}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col" w={48}>
              <Checkbox
                aria-label="Select all crates on this page"
                checked={allFree}
                indeterminate={selectedFree > 0 && !allFree}
                disabled={free.length === 0}
                onChange={(event) => {
                  onSelect(free, event.currentTarget.checked);
                }}
              />
            </Table.Th>
            <Table.Th scope="col">Crate</Table.Th>
            <Table.Th scope="col">Department</Table.Th>
            <Table.Th scope="col">Shelf</Table.Th>
            <Table.Th scope="col">Retention ended</Table.Th>
            <Table.Th scope="col">Documents</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((crate) => {
            const refusal = refusals[String(crate.id)];
            const refusalId = `crate-refusal-${String(crate.id)}`;
            const claimed = isClaimed(crate);
            return (
              <Table.Tr
                key={crate.id}
                data-testid={`eligible-${crate.code}`}
                data-refused={refusal === undefined ? undefined : true}
                data-claimed={claimed || undefined}
              >
                <Table.Td>
                  <Checkbox
                    aria-label={`Select ${crate.code}`}
                    aria-describedby={refusal === undefined ? undefined : refusalId}
                    aria-invalid={refusal === undefined ? undefined : true}
                    disabled={claimed}
                    checked={!claimed && selected.has(crate.id)}
                    onChange={(event) => {
                      onSelect([crate.id], event.currentTarget.checked);
                    }}
                  />
                </Table.Td>
                <Table.Td>
                  <Anchor
                    component={Link}
                    to={`/crates/${String(crate.id)}`}
                    ff="monospace"
                    fw={600}
                    style={NOWRAP}
                    className="crate-code"
                  >
                    {crate.code}
                  </Anchor>
                  <Holder crate={crate} />
                  {refusal !== undefined && (
                    <Text size="sm" c="red.8" id={refusalId} role="status">
                      {refusal}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>{crate.department_code}</Table.Td>
                <Table.Td ff="monospace" style={NOWRAP}>
                  {crate.location_code ?? '—'}
                </Table.Td>
                <Table.Td style={NOWRAP}>{formatDate(crate.destroy_after)}</Table.Td>
                <Table.Td>{crate.document_count}</Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </ScrollTable>
  );
}
