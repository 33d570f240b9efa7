import {
  Alert,
  Anchor,
  Button,
  Group,
  MultiSelect,
  Paper,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';

import { ListStatus, LoadMore } from '@/components/ui/LoadMore';
import { ScrollTable } from '@/components/ui/ScrollTable';
import type { Me } from '@/lib/api/types';
import { PERMISSIONS, can } from '@/lib/auth/permissions';
import { formatDateTime, humanize } from '@/lib/format';

import type { AuditFilters } from '../api/audit-keys';
import { useAudits } from '../api/get-audits';
import { useProposals } from '../api/open-audit';
import type { AuditStatus } from '../api/types';
import { AuditStatusBadge } from './audit-badges';
import { AUDIT_STATUSES } from './audit-logic';
import { OpenAuditDialog } from './OpenAuditDialog';

const NOWRAP = { whiteSpace: 'nowrap' } as const;

function filtersFromParams(params: URLSearchParams): AuditFilters {
  const status = params
    .getAll('status')
    .filter((value): value is AuditStatus => AUDIT_STATUSES.some((known) => known === value));
  return { status: status.length === 0 ? undefined : status };
}

/** Rooms due for a count, most at risk first (the same list Beat sends the Store Heads). */
function Proposals({ onOpen }: { onOpen: ((roomId: number) => void) | null }) {
  const proposals = useProposals();
  const rows = proposals.data ?? [];
  if (rows.length === 0) {
    return null;
  }
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="proposals">
      <Title order={2} size="h4" id="proposals" mb="sm">
        Due for a count
      </Title>
      <Table aria-labelledby="proposals">
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Room</Table.Th>
            <Table.Th scope="col">Security class</Table.Th>
            <Table.Th scope="col">Shelves</Table.Th>
            <Table.Th scope="col">Days since verified</Table.Th>
            {onOpen !== null && <Table.Th scope="col">Audit</Table.Th>}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row) => (
            <Table.Tr key={row.room_id}>
              <Table.Td ff="monospace">{row.full_code}</Table.Td>
              <Table.Td>{row.security_class}</Table.Td>
              <Table.Td>{row.shelves}</Table.Td>
              <Table.Td>
                {row.never_verified ? 'never verified · ' : ''}
                {row.days_since_verified} (every {row.interval_days})
              </Table.Td>
              {onOpen !== null && (
                <Table.Td>
                  <Button
                    size="xs"
                    variant="light"
                    onClick={() => {
                      onOpen(row.room_id);
                    }}
                  >
                    Open audit
                  </Button>
                </Table.Td>
              )}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Paper>
  );
}

/** The inventory audits of the caller's units, live (an `inventory` event refetches them). */
export function AuditsListPage({ me }: { me: Me }) {
  const [params, setParams] = useSearchParams();
  const filters = filtersFromParams(params);
  const audits = useAudits(filters);
  const [opening, setOpening] = useState<{ scope?: number } | null>(null);
  const runs = can(me, PERMISSIONS.runInventoryAudit);
  const rows = audits.data?.pages.flatMap((page) => page.results) ?? [];

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1} size="h2">
          Inventory audits
        </Title>
        {runs && (
          <Button
            onClick={() => {
              setOpening({});
            }}
          >
            Open audit
          </Button>
        )}
      </Group>

      <Proposals
        onOpen={
          runs
            ? (roomId) => {
                setOpening({ scope: roomId });
              }
            : null
        }
      />

      <Paper withBorder p="md" component="section" aria-label="Filters">
        <MultiSelect
          label="Status"
          placeholder={filters.status === undefined ? 'All statuses' : undefined}
          clearable
          data={AUDIT_STATUSES.map((s) => ({ value: s, label: humanize(s) }))}
          value={filters.status ?? []}
          onChange={(value) => {
            const next = new URLSearchParams();
            for (const status of value) {
              next.append('status', status);
            }
            setParams(next, { replace: true });
          }}
          w={320}
        />
      </Paper>

      {audits.isError && (
        <Alert color="red" role="alert" title="The audits could not be loaded">
          {audits.error.message}
        </Alert>
      )}

      <Paper withBorder>
        <ScrollTable minWidth={900} label="Inventory audits">
          <Table striped highlightOnHover aria-label="Inventory audits">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Number</Table.Th>
                <Table.Th scope="col">Scope</Table.Th>
                <Table.Th scope="col">Status</Table.Th>
                <Table.Th scope="col">Shelves counted</Table.Th>
                <Table.Th scope="col">Expected</Table.Th>
                <Table.Th scope="col">Scans</Table.Th>
                <Table.Th scope="col">To reconcile</Table.Th>
                <Table.Th scope="col">Opened by</Table.Th>
                <Table.Th scope="col">Opened</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((audit) => (
                <Table.Tr key={audit.id} data-testid={`audit-row-${audit.number}`}>
                  <Table.Td style={NOWRAP}>
                    <Anchor component={Link} to={`/inventory-audits/${String(audit.id)}`} fw={600}>
                      {audit.number}
                    </Anchor>
                  </Table.Td>
                  <Table.Td ff="monospace">{audit.scope_code}</Table.Td>
                  <Table.Td>
                    <AuditStatusBadge status={audit.status} />
                  </Table.Td>
                  <Table.Td>
                    {audit.shelves_done} of {audit.shelf_count}
                  </Table.Td>
                  <Table.Td>{audit.expected_count}</Table.Td>
                  <Table.Td>{audit.scan_count}</Table.Td>
                  <Table.Td>{audit.open_findings}</Table.Td>
                  <Table.Td>{audit.opened_by_name}</Table.Td>
                  <Table.Td style={NOWRAP}>{formatDateTime(audit.opened_at)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollTable>
        <ListStatus query={audits} rows={rows.length} emptyText="No inventory audits match." />
      </Paper>
      <LoadMore query={audits} />
      <Text size="sm" c="dimmed">
        An audit compares the crates recorded on a room, rack or shelf with what is scanned there,
        shelf by shelf; every discrepancy is reconciled with a signature, and closing records each
        shelf as verified.
      </Text>
      {opening !== null && (
        <OpenAuditDialog
          initialScope={opening.scope}
          onClose={() => {
            setOpening(null);
          }}
        />
      )}
    </Stack>
  );
}
