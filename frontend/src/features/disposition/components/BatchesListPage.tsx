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
  TextInput,
  Title,
} from '@mantine/core';
import { useDebouncedCallback } from '@mantine/hooks';
import { Link, useSearchParams } from 'react-router';

import { ListStatus, LoadMore } from '@/components/ui/LoadMore';
import { ScrollTable } from '@/components/ui/ScrollTable';
import type { Me } from '@/lib/api/types';
import { PERMISSIONS, can } from '@/lib/auth/permissions';
import { formatDateTime, humanize } from '@/lib/format';

import type { BatchFilters } from '../api/batch-keys';
import { useBatches } from '../api/get-batches';
import { BatchStatusBadge } from './batch-badges';
import { BATCH_STATUSES, batchFiltersFromParams, paramsFromBatchFilters } from './batch-filters';

const NOWRAP = { whiteSpace: 'nowrap' } as const;

/** The destruction batches of the caller's units, live (a `batch` event refetches the list). */
export function BatchesListPage({ me }: { me: Me }) {
  const [params, setParams] = useSearchParams();
  const filters = batchFiltersFromParams(params);
  const batches = useBatches(filters);
  const update = (patch: Partial<BatchFilters>) => {
    setParams(paramsFromBatchFilters({ ...filters, ...patch }), { replace: true });
  };
  const updateSearch = useDebouncedCallback((search: string) => {
    update({ search: search.trim() === '' ? undefined : search.trim() });
  }, 300);
  const rows = batches.data?.pages.flatMap((page) => page.results) ?? [];

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1} size="h2">
          Destruction batches
        </Title>
        {can(me, PERMISSIONS.prepareBatch) && (
          <Button component={Link} to="/destruction-batches/new">
            New batch
          </Button>
        )}
      </Group>

      <Paper withBorder p="md" component="section" aria-label="Filters">
        <Group align="flex-end" wrap="wrap">
          <TextInput
            type="search"
            label="Search"
            placeholder="Batch number"
            defaultValue={filters.search ?? ''}
            onChange={(event) => {
              updateSearch(event.currentTarget.value);
            }}
            w={220}
          />
          <MultiSelect
            label="Status"
            placeholder={filters.status === undefined ? 'All statuses' : undefined}
            clearable
            data={BATCH_STATUSES.map((s) => ({ value: s, label: humanize(s) }))}
            value={filters.status ?? []}
            onChange={(value) => {
              update({
                status:
                  value.length === 0
                    ? undefined
                    : BATCH_STATUSES.filter((status) => value.includes(status)),
              });
            }}
            w={300}
          />
        </Group>
      </Paper>

      {batches.isError && (
        <Alert color="red" role="alert" title="The batches could not be loaded">
          {batches.error.message}
        </Alert>
      )}

      <Paper withBorder>
        <ScrollTable minWidth={980} label="Destruction batches">
          <Table striped highlightOnHover aria-label="Destruction batches">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Number</Table.Th>
                <Table.Th scope="col">Unit</Table.Th>
                <Table.Th scope="col">Status</Table.Th>
                <Table.Th scope="col">Crates</Table.Th>
                <Table.Th scope="col">Destroyed</Table.Th>
                <Table.Th scope="col">Not found</Table.Th>
                <Table.Th scope="col">Dropped</Table.Th>
                <Table.Th scope="col">Prepared by</Table.Th>
                <Table.Th scope="col">Created</Table.Th>
                <Table.Th scope="col">Approved</Table.Th>
                <Table.Th scope="col">Completed</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((batch) => (
                <Table.Tr key={batch.id} data-testid={`batch-row-${batch.number}`}>
                  <Table.Td style={NOWRAP}>
                    <Anchor
                      component={Link}
                      to={`/destruction-batches/${String(batch.id)}`}
                      fw={600}
                    >
                      {batch.number}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{batch.unit_code}</Table.Td>
                  <Table.Td>
                    <BatchStatusBadge status={batch.status} />
                  </Table.Td>
                  <Table.Td>{batch.item_count}</Table.Td>
                  <Table.Td>{batch.destroyed_count}</Table.Td>
                  <Table.Td>{batch.not_found_count}</Table.Td>
                  <Table.Td>{batch.dropped_count}</Table.Td>
                  <Table.Td>{batch.prepared_by_name}</Table.Td>
                  <Table.Td style={NOWRAP}>{formatDateTime(batch.created_at)}</Table.Td>
                  <Table.Td style={NOWRAP}>{formatDateTime(batch.approved_at)}</Table.Td>
                  <Table.Td style={NOWRAP}>{formatDateTime(batch.completed_at)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollTable>
        <ListStatus
          query={batches}
          rows={rows.length}
          emptyText="No destruction batches match these filters."
        />
      </Paper>
      <LoadMore query={batches} />
      <Text size="sm" c="dimmed">
        A batch is prepared from the crates whose retention has ended, approved once with a
        signature, then destroyed crate by crate with a witness.
      </Text>
    </Stack>
  );
}
