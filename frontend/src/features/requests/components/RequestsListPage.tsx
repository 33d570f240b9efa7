import {
  Alert,
  Anchor,
  Button,
  Group,
  MultiSelect,
  Paper,
  Select,
  Stack,
  Switch,
  Table,
  TextInput,
  Title,
} from '@mantine/core';
import { useDebouncedCallback } from '@mantine/hooks';
import { Link, useSearchParams } from 'react-router';

import { ScrollTable } from '@/components/ui/ScrollTable';
import { ListStatus, LoadMore } from '@/components/ui/LoadMore';
import type { Me } from '@/lib/api/types';
import { PERMISSIONS, can } from '@/lib/auth/permissions';
import { formatDate, formatDateTime, humanize } from '@/lib/format';

import { useRequests } from '../api/get-requests';
import type { RequestFilters } from '../api/request-keys';
import {
  REQUEST_STATUSES,
  REQUEST_TYPES,
  filtersFromParams,
  paramsFromFilters,
} from './request-filters';
import { RequestStatusBadge } from './RequestStatusBadge';

export function RequestsListPage({ me }: { me: Me }) {
  const [params, setParams] = useSearchParams();
  const filters = filtersFromParams(params);
  const requests = useRequests(filters);
  const update = (patch: Partial<RequestFilters>) => {
    setParams(paramsFromFilters({ ...filters, ...patch }), { replace: true });
  };
  const updateSearch = useDebouncedCallback((search: string) => {
    update({ search: search.trim() === '' ? undefined : search.trim() });
  }, 300);
  const rows = requests.data?.pages.flatMap((page) => page.results) ?? [];
  // "Mine" and "Waiting for me" mean nothing to a role that raises, signs and fulfils nothing
  // (a Viewer): what waits for a user is what their role may do next (waiting_for_q).
  const raises = can(me, PERMISSIONS.raiseRequest);
  const actsOnRequests =
    raises || can(me, PERMISSIONS.approveRequest) || can(me, PERMISSIONS.fulfilRequest);

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1} size="h2">
          Requests
        </Title>
        {raises && (
          <Group gap="xs">
            <Button component={Link} to="/requests/new/storage" variant="default">
              New storage
            </Button>
            <Button component={Link} to="/requests/new/transfer" variant="default">
              New transfer
            </Button>
            <Button component={Link} to="/requests/new/destruction" variant="default">
              New destruction
            </Button>
            <Button component={Link} to="/requests/new/withdrawal">
              New withdrawal
            </Button>
          </Group>
        )}
      </Group>

      <Paper withBorder p="md" component="section" aria-label="Filters">
        <Group align="flex-end" wrap="wrap">
          <TextInput
            label="Search"
            placeholder="Number, crate, purpose"
            defaultValue={filters.search ?? ''}
            onChange={(event) => {
              updateSearch(event.currentTarget.value);
            }}
            w={220}
          />
          <Select
            label="Type"
            placeholder="All types"
            clearable
            data={REQUEST_TYPES.map((t) => ({ value: t, label: humanize(t) }))}
            value={filters.type ?? null}
            onChange={(value) => {
              update({ type: value ?? undefined });
            }}
            w={170}
          />
          <MultiSelect
            label="Status"
            placeholder={filters.status === undefined ? 'All statuses' : undefined}
            clearable
            data={REQUEST_STATUSES.map((s) => ({ value: s, label: humanize(s) }))}
            value={filters.status ?? []}
            onChange={(value) => {
              update({
                status: value.length === 0 ? undefined : value,
              });
            }}
            w={260}
          />
          <Stack gap={6}>
            {raises && (
              <Switch
                label="Mine"
                checked={filters.mine === true}
                onChange={(event) => {
                  update({ mine: event.currentTarget.checked ? true : undefined });
                }}
              />
            )}
            {actsOnRequests && (
              <Switch
                label="Waiting for me"
                checked={filters.waiting_for_me === true}
                onChange={(event) => {
                  update({ waiting_for_me: event.currentTarget.checked ? true : undefined });
                }}
              />
            )}
            <Switch
              label="Overdue"
              checked={filters.overdue === true}
              onChange={(event) => {
                update({ overdue: event.currentTarget.checked ? true : undefined });
              }}
            />
          </Stack>
        </Group>
      </Paper>

      {requests.isError && (
        <Alert color="red" role="alert" title="The requests could not be loaded">
          {requests.error.message}
        </Alert>
      )}

      <Paper withBorder>
        <ScrollTable minWidth={760} label="Requests">
          <Table striped highlightOnHover aria-label="Requests">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Number</Table.Th>
                <Table.Th>Type</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Crate</Table.Th>
                <Table.Th>Requester</Table.Th>
                <Table.Th>Submitted</Table.Th>
                <Table.Th>Return by</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((row) => (
                <Table.Tr key={row.id} data-testid={`request-row-${row.number}`}>
                  <Table.Td>
                    <Anchor component={Link} to={`/requests/${String(row.id)}`} fw={600}>
                      {row.number}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{humanize(row.type)}</Table.Td>
                  <Table.Td>
                    <RequestStatusBadge status={row.status ?? 'SUBMITTED'} overdue={row.overdue} />
                  </Table.Td>
                  <Table.Td ff="monospace" className="crate-code">
                    {row.crate_code}
                  </Table.Td>
                  <Table.Td>{row.requester_name}</Table.Td>
                  <Table.Td>{formatDateTime(row.submitted_at)}</Table.Td>
                  <Table.Td>{formatDate(row.expected_return_on)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollTable>
        <ListStatus
          query={requests}
          rows={rows.length}
          emptyText="No requests match these filters."
        />
      </Paper>
      <LoadMore query={requests} />
    </Stack>
  );
}
