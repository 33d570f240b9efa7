import {
  Alert,
  Anchor,
  Button,
  Checkbox,
  Group,
  MultiSelect,
  Paper,
  SegmentedControl,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { DateInput } from '@mantine/dates';
import { useDebouncedCallback } from '@mantine/hooks';
import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';

import { IdFilterSelect } from '@/components/ui/FilterInputs';
import { ScrollTable } from '@/components/ui/ScrollTable';
import { ListStatus, LoadMore } from '@/components/ui/LoadMore';
import type { Me } from '@/lib/api/types';
import { PERMISSIONS, can } from '@/lib/auth/permissions';
import { useUnitChoices } from '@/lib/auth/unit-choices';
import { formatDate, humanize } from '@/lib/format';

import type { CrateFilters } from '@/entities/crates/crate-keys';
import { useCrates } from '../api/get-crates';
import type { LabelLayout } from '../api/print-labels';
import { CrateStatusBadge, LegalHoldBadge } from './CrateBadges';
import { CRATE_STATUSES, crateFiltersFromParams, paramsFromCrateFilters } from './crate-filters';
import { LabelPrintButton } from './LabelPrintButton';
import { ScanBox } from './ScanBox';

const MAX_LABELS = 500;
const NOWRAP = { whiteSpace: 'nowrap' } as const;

export function CratesListPage({ me }: { me: Me }) {
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const filters = crateFiltersFromParams(params);
  const crates = useCrates(filters);
  const units = useUnitChoices(me);
  const canPrint = can(me, PERMISSIONS.printLabel);
  const [selected, setSelected] = useState<number[]>([]);
  const [layout, setLayout] = useState<LabelLayout>('sheet');

  const update = (patch: Partial<CrateFilters>) => {
    setParams(paramsFromCrateFilters({ ...filters, ...patch }), { replace: true });
  };
  const updateSearch = useDebouncedCallback((search: string) => {
    update({ search: search.trim() === '' ? undefined : search.trim() });
  }, 300);
  const rows = crates.data?.pages.flatMap((page) => page.results) ?? [];
  const printable = rows.filter((row) => row.status !== 'DESTROYED');
  const allSelected = printable.length > 0 && printable.every((row) => selected.includes(row.id));

  const toggle = (id: number, on: boolean) => {
    setSelected((current) =>
      on ? [...current.filter((x) => x !== id), id] : current.filter((x) => x !== id),
    );
  };

  return (
    <Stack>
      <Title order={1} size="h2">
        Crates
      </Title>

      <ScanBox
        onFound={(crate) => {
          void navigate(`/crates/${String(crate.id)}`);
        }}
      />

      <Paper withBorder p="md" component="section" aria-label="Filters">
        <Group align="flex-end" wrap="wrap">
          <TextInput
            label="Search"
            placeholder="Code, description, document"
            defaultValue={filters.search ?? ''}
            onChange={(event) => {
              updateSearch(event.currentTarget.value);
            }}
            w={240}
          />
          <MultiSelect
            label="Status"
            placeholder={filters.status === undefined ? 'All statuses' : undefined}
            clearable
            data={CRATE_STATUSES.map((s) => ({ value: s, label: humanize(s) }))}
            value={filters.status ?? []}
            onChange={(value) => {
              update({
                status:
                  value.length === 0
                    ? undefined
                    : CRATE_STATUSES.filter((status) => value.includes(status)),
              });
            }}
            w={250}
          />
          {units.length > 1 && (
            <IdFilterSelect
              label="Unit"
              placeholder="All my units"
              clearable
              data={units.map((unit) => ({ value: String(unit.id), label: unit.code }))}
              value={filters.unit}
              onChange={(value) => {
                update({ unit: value });
              }}
              w={150}
            />
          )}
          <DateInput
            label="Destroy after, by"
            description="Due for destruction on or before"
            placeholder="YYYY-MM-DD"
            valueFormat="YYYY-MM-DD"
            clearable
            value={filters.destroy_after_to ?? null}
            onChange={(value) => {
              update({ destroy_after_to: value ?? undefined });
            }}
            w={190}
          />
          <Switch
            label="On legal hold"
            checked={filters.legal_hold === true}
            onChange={(event) => {
              update({ legal_hold: event.currentTarget.checked ? true : undefined });
            }}
            mb={8}
          />
          {filters.location !== undefined && (
            <Button
              variant="subtle"
              onClick={() => {
                update({ location: undefined });
              }}
            >
              Any shelf (clear the shelf filter)
            </Button>
          )}
        </Group>
      </Paper>

      {canPrint && (
        <Paper withBorder p="sm" component="section" aria-label="Labels">
          <Group justify="space-between" wrap="wrap">
            <Text size="sm" aria-live="polite">
              {selected.length === 0
                ? 'Select crates to print their labels together.'
                : `${String(selected.length)} crate${selected.length === 1 ? '' : 's'} selected.`}
            </Text>
            <Group gap="xs" wrap="wrap">
              <SegmentedControl
                aria-label="Label layout"
                value={layout}
                onChange={(value) => {
                  setLayout(value === 'single' ? 'single' : 'sheet');
                }}
                data={[
                  { value: 'sheet', label: 'A4 sheet (2 × 7)' },
                  { value: 'single', label: 'One label per page' },
                ]}
              />
              <LabelPrintButton
                crates={selected.slice(0, MAX_LABELS)}
                layout={layout}
                filename="crate-labels.pdf"
                label="Print selected labels"
                variant="filled"
              />
              <Button
                variant="subtle"
                disabled={selected.length === 0}
                onClick={() => {
                  setSelected([]);
                }}
              >
                Clear selection
              </Button>
            </Group>
          </Group>
        </Paper>
      )}

      {crates.isError && (
        <Alert color="red" role="alert" title="The crates could not be loaded">
          {crates.error.message}
        </Alert>
      )}

      <Paper withBorder>
        <ScrollTable minWidth={980} label="Crates">
          <Table striped highlightOnHover aria-label="Crates">
            <Table.Thead>
              <Table.Tr>
                {canPrint && (
                  <Table.Th w={40}>
                    <Checkbox
                      aria-label="Select every crate shown"
                      checked={allSelected}
                      indeterminate={!allSelected && selected.length > 0}
                      onChange={(event) => {
                        const on = event.currentTarget.checked;
                        setSelected(on ? printable.map((row) => row.id) : []);
                      }}
                    />
                  </Table.Th>
                )}
                <Table.Th>Code</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Unit · department</Table.Th>
                <Table.Th>Location</Table.Th>
                <Table.Th>Documents</Table.Th>
                <Table.Th>Destroy after</Table.Th>
                <Table.Th>Description</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((row) => (
                <Table.Tr key={row.id} data-testid={`crate-row-${row.code}`}>
                  {canPrint && (
                    <Table.Td>
                      <Checkbox
                        aria-label={`Select ${row.code}`}
                        disabled={row.status === 'DESTROYED'}
                        checked={selected.includes(row.id)}
                        onChange={(event) => {
                          toggle(row.id, event.currentTarget.checked);
                        }}
                      />
                    </Table.Td>
                  )}
                  <Table.Td>
                    <Anchor
                      component={Link}
                      to={`/crates/${String(row.id)}`}
                      ff="monospace"
                      fw={600}
                      style={NOWRAP}
                    >
                      {row.code}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4} wrap="nowrap">
                      <CrateStatusBadge status={row.status} />
                      {row.legal_hold && <LegalHoldBadge />}
                    </Group>
                  </Table.Td>
                  <Table.Td style={NOWRAP}>
                    {row.unit_code} · {row.department_code}
                  </Table.Td>
                  <Table.Td ff="monospace" style={NOWRAP}>
                    {row.location_code ?? '—'}
                  </Table.Td>
                  <Table.Td>{row.document_count}</Table.Td>
                  <Table.Td style={NOWRAP}>
                    {row.retain_permanently ? 'Retain permanently' : formatDate(row.destroy_after)}
                  </Table.Td>
                  <Table.Td>{row.description}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollTable>
        <ListStatus query={crates} rows={rows.length} emptyText="No crates match these filters." />
      </Paper>
      <LoadMore query={crates} />
    </Stack>
  );
}
