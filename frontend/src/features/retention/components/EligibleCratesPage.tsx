import {
  Alert,
  Anchor,
  Button,
  Group,
  Paper,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useDebouncedCallback } from '@mantine/hooks';
import { Link, useSearchParams } from 'react-router';

import { DateFilterInput, IdFilterSelect } from '@/components/ui/FilterInputs';
import { ListStatus, LoadMore } from '@/components/ui/LoadMore';
import { ScrollTable } from '@/components/ui/ScrollTable';
import type { Me } from '@/lib/api/types';
import { PERMISSIONS, can } from '@/lib/auth/permissions';
import { useUnitChoices } from '@/lib/auth/unit-choices';
import { formatDate } from '@/lib/format';

import type { EligibleFilters } from '@/entities/crates/crate-keys';
import { useEligibleCrates } from '@/entities/crates/get-eligible-crates';
import {
  batchBuilderLink,
  eligibleFiltersFromParams,
  paramsFromEligibleFilters,
} from './forecast-filters';

const NOWRAP = { whiteSpace: 'nowrap' } as const;

/** What the list shows, in words (the filters that came with the link). */
function describe(filters: EligibleFilters): string {
  const on = filters.on === undefined ? 'today' : formatDate(filters.on);
  const parts = [`Crates that may be destroyed ${filters.on === undefined ? on : `on ${on}`}`];
  if (filters.period_start !== undefined && filters.period_end !== undefined) {
    parts.push(
      `retention ending from ${formatDate(filters.period_start)} to ${formatDate(filters.period_end)}`,
    );
  } else if (filters.period_start !== undefined) {
    parts.push(`retention ending on or after ${formatDate(filters.period_start)}`);
  } else if (filters.period_end !== undefined) {
    parts.push(`retention ended on or before ${formatDate(filters.period_end)}`);
  }
  return `${parts.join(', ')}: in storage, not on legal hold, not kept permanently.`;
}

export function EligibleCratesPage({ me }: { me: Me }) {
  const [params, setParams] = useSearchParams();
  const filters = eligibleFiltersFromParams(params);
  const crates = useEligibleCrates(filters);
  const units = useUnitChoices(me);

  const update = (patch: Partial<EligibleFilters>) => {
    setParams(paramsFromEligibleFilters({ ...filters, ...patch }), { replace: true });
  };
  const updateSearch = useDebouncedCallback((search: string) => {
    update({ search: search.trim() === '' ? undefined : search.trim() });
  }, 300);
  const rows = crates.data?.pages.flatMap((page) => page.results) ?? [];

  return (
    <Stack>
      <div>
        <Group justify="space-between" align="flex-start">
          <Title order={1} size="h2">
            Crates eligible for destruction
          </Title>
          {can(me, PERMISSIONS.prepareBatch) && (
            <Button component={Link} to={batchBuilderLink(filters)}>
              Prepare a destruction batch
            </Button>
          )}
        </Group>
        <Text c="dimmed" data-testid="eligible-description">
          {describe(filters)}{' '}
          <Anchor component={Link} to="/retention/forecast" underline="always">
            Back to the forecast
          </Anchor>
        </Text>
      </div>
      <Paper withBorder p="md" component="section" aria-label="Filters">
        <Group align="flex-end" wrap="wrap">
          <TextInput
            type="search"
            label="Search"
            description="Crate codes and descriptions"
            defaultValue={filters.search ?? ''}
            onChange={(event) => {
              updateSearch(event.currentTarget.value);
            }}
            style={{ flex: '1 1 220px', maxWidth: 360 }}
          />
          <DateFilterInput
            label="Eligible on"
            placeholder="Today"
            value={filters.on}
            onChange={(value) => {
              update({ on: value });
            }}
            w={160}
          />
          <DateFilterInput
            label="Retention ends from"
            value={filters.period_start}
            onChange={(value) => {
              update({ period_start: value });
            }}
            w={170}
          />
          <DateFilterInput
            label="Retention ends by"
            value={filters.period_end}
            onChange={(value) => {
              update({ period_end: value });
            }}
            w={170}
          />
          {units.length > 1 && (
            <IdFilterSelect
              label="Unit"
              placeholder="All my units"
              clearable
              data={units.map((u) => ({ value: String(u.id), label: u.code }))}
              value={filters.unit}
              onChange={(value) => {
                update({ unit: value, department: undefined });
              }}
              w={140}
            />
          )}
        </Group>
      </Paper>

      {crates.isError && (
        <Alert color="red" role="alert" title="The crates could not be loaded">
          {crates.error.message}
        </Alert>
      )}

      <Paper withBorder>
        <ScrollTable minWidth={720} label="Eligible crates">
          <Table
            striped
            highlightOnHover
            aria-label="Eligible crates"
            aria-busy={crates.isFetching}
          >
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Crate</Table.Th>
                <Table.Th scope="col">Unit · dept</Table.Th>
                <Table.Th scope="col">Location</Table.Th>
                <Table.Th scope="col">Retention ends</Table.Th>
                <Table.Th scope="col">Documents</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((crate) => (
                <Table.Tr key={crate.id} data-testid={`eligible-${crate.code}`}>
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
                  </Table.Td>
                  <Table.Td style={NOWRAP}>
                    {crate.unit_code} · {crate.department_code}
                  </Table.Td>
                  <Table.Td ff="monospace" style={NOWRAP}>
                    {crate.location_code ?? '—'}
                  </Table.Td>
                  <Table.Td style={NOWRAP}>{formatDate(crate.destroy_after)}</Table.Td>
                  <Table.Td>{crate.document_count}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollTable>
        <ListStatus query={crates} rows={rows.length} emptyText="No crates are eligible." />
      </Paper>
      <LoadMore query={crates} />
    </Stack>
  );
}
