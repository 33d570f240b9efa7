import {
  Alert,
  Anchor,
  Button,
  Group,
  Input,
  Paper,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import dayjs from 'dayjs';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';

import { IdFilterSelect } from '@/components/ui/FilterInputs';
import { ForecastChart } from '@/components/ui/ForecastChart';
import { periodName, type ForecastGrouping } from '@/components/ui/forecast-chart-data';
import { ScrollTable } from '@/components/ui/ScrollTable';
import type { Forecast, Me } from '@/lib/api/types';
import { useUnitChoices } from '@/lib/auth/unit-choices';

import type { ForecastFilters } from '@/entities/crates/crate-keys';
import {
  useExportRetentionForecastCsv,
  useRetentionForecast,
} from '@/entities/crates/get-retention-forecast';
import { useDepartments } from '@/entities/departments/get-departments';
import {
  eligibleLink,
  forecastFiltersFromParams,
  paramsFromForecastFilters,
} from './forecast-filters';

const NOWRAP = { whiteSpace: 'nowrap' } as const;

function plural(count: number, word: string): string {
  return `${String(count)} ${word}${count === 1 ? '' : 's'}`;
}

function Summary({ forecast, filters }: { forecast: Forecast; filters: ForecastFilters }) {
  const s = forecast.summary;
  const before = dayjs(forecast.start).subtract(1, 'day').format('YYYY-MM-DD');
  const figures = [
    {
      key: 'already',
      label: 'Already eligible',
      value: s.already_eligible_crates,
      detail: `${plural(s.already_eligible_documents, 'document')}; retention ended before ${periodName(
        forecast.periods[0] ?? { start: forecast.start, label: '' },
        forecast.period,
      )}`,
      to: eligibleLink({ period_end: before, unit: filters.unit, department: filters.department }),
    },
    {
      key: 'forecast',
      label: 'Becoming eligible',
      value: s.forecast_crates,
      detail: `${plural(s.forecast_documents, 'document')} in the periods shown`,
      to: null,
    },
    {
      key: 'pending',
      label: 'Pending an event',
      value: s.pending_event_crates,
      detail: 'No retention date until the event is recorded',
      to: null,
    },
    {
      key: 'hold',
      label: 'On legal hold',
      value: s.on_hold_crates,
      detail: 'Kept whatever their dates',
      to: `/crates?legal_hold=true&status=IN_STORAGE${filters.unit === undefined ? '' : `&unit=${String(filters.unit)}`}`,
    },
    {
      key: 'permanent',
      label: 'Kept permanently',
      value: s.retained_permanently_crates,
      detail: 'Never eligible',
      to: null,
    },
  ];
  return (
    <SimpleGrid cols={{ base: 2, sm: 3, lg: 5 }} spacing="sm" role="list" aria-label="Summary">
      {figures.map((figure) => (
        <Paper key={figure.key} withBorder p="sm" role="listitem">
          <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
            {figure.label}
            <span className="visually-hidden">:</span>
          </Text>
          {figure.to === null ? (
            <Text size="xl" fw={700} data-testid={`summary-${figure.key}`}>
              {figure.value}
            </Text>
          ) : (
            <Anchor
              component={Link}
              to={figure.to}
              size="xl"
              fw={700}
              data-testid={`summary-${figure.key}`}
            >
              {figure.value}
              <span className="visually-hidden"> crates — show them</span>
            </Anchor>
          )}
          <Text size="xs" c="dimmed">
            {figure.detail}
          </Text>
        </Paper>
      ))}
    </SimpleGrid>
  );
}

function ForecastTable({ forecast }: { forecast: Forecast }) {
  const rowsByPeriod = new Map<string, Forecast['rows']>();
  for (const row of forecast.rows) {
    rowsByPeriod.set(row.period_start, [...(rowsByPeriod.get(row.period_start) ?? []), row]);
  }
  return (
    <ScrollTable minWidth={560} label="Forecast by period">
      <Table striped aria-label="Forecast by period">
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Period</Table.Th>
            <Table.Th scope="col">Unit · department</Table.Th>
            <Table.Th scope="col">Crates</Table.Th>
            <Table.Th scope="col">Documents</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {forecast.periods.map((period) => {
            const name = periodName(period, forecast.period);
            const rows = rowsByPeriod.get(period.start) ?? [];
            if (rows.length === 0) {
              return (
                <Table.Tr key={period.start}>
                  <Table.Th scope="row" fw={400} style={NOWRAP}>
                    {name}
                  </Table.Th>
                  <Table.Td c="dimmed">—</Table.Td>
                  <Table.Td>0</Table.Td>
                  <Table.Td>0</Table.Td>
                </Table.Tr>
              );
            }
            return rows.map((row) => (
              <Table.Tr
                key={`${period.start}-${String(row.unit)}-${String(row.department)}`}
                data-testid={`forecast-row-${period.label}-${row.unit_code}-${row.department_code}`}
              >
                <Table.Th scope="row" fw={400} style={NOWRAP}>
                  {name}
                </Table.Th>
                <Table.Td style={NOWRAP}>
                  {row.unit_code} · {row.department_code}
                </Table.Td>
                <Table.Td>
                  <Anchor
                    component={Link}
                    to={eligibleLink({
                      on: period.end,
                      period_start: period.start,
                      period_end: period.end,
                      unit: row.unit,
                      department: row.department,
                    })}
                    aria-label={`${plural(row.crates, 'crate')} of ${row.unit_code} ${row.department_code} becoming eligible in ${name}`}
                  >
                    {row.crates}
                  </Anchor>
                </Table.Td>
                <Table.Td>{row.documents}</Table.Td>
              </Table.Tr>
            ));
          })}
        </Table.Tbody>
      </Table>
    </ScrollTable>
  );
}

export function RetentionForecastPage({ me }: { me: Me }) {
  const [params, setParams] = useSearchParams();
  const filters = forecastFiltersFromParams(params);
  const forecast = useRetentionForecast(filters);
  const exportCsv = useExportRetentionForecastCsv();
  const units = useUnitChoices(me);
  const departments = useDepartments();
  const [grouping, setGrouping] = useState<ForecastGrouping>('unit');

  const update = (patch: Partial<ForecastFilters>) => {
    setParams(paramsFromForecastFilters({ ...filters, ...patch }), { replace: true });
  };
  const departmentChoices = (departments.data?.results ?? [])
    .filter((d) => filters.unit === undefined || d.unit === filters.unit)
    .map((d) => ({ value: String(d.id), label: `${d.unit_code} · ${d.code} ${d.name}` }));
  const data = forecast.data;

  return (
    <Stack>
      <div>
        <Title order={1} size="h2">
          Retention forecast
        </Title>
        <Text c="dimmed">
          Crates in storage whose retention ends in each period, as their documents' dates stand
          today. Crates on legal hold, kept permanently or waiting for an event are counted apart.
        </Text>
      </div>
      <Paper withBorder p="md" component="section" aria-label="Filters">
        <Group align="flex-end" wrap="wrap">
          <div>
            <Input.Label id="forecast-period-label" display="block" mb={4}>
              Period
            </Input.Label>
            <SegmentedControl
              aria-labelledby="forecast-period-label"
              value={filters.period}
              onChange={(value) => {
                update({ period: value === 'quarter' ? 'quarter' : 'month' });
              }}
              data={[
                { value: 'month', label: 'Month' },
                { value: 'quarter', label: 'Quarter' },
              ]}
            />
          </div>
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
              w={150}
            />
          )}
          <IdFilterSelect
            label="Department"
            placeholder="All departments"
            clearable
            searchable
            data={departmentChoices}
            value={filters.department}
            onChange={(value) => {
              update({ department: value });
            }}
            w={260}
          />
          <div>
            <Input.Label id="forecast-grouping-label" display="block" mb={4}>
              Chart stacks
            </Input.Label>
            <SegmentedControl
              aria-labelledby="forecast-grouping-label"
              value={grouping}
              onChange={(value) => {
                setGrouping(value === 'department' ? 'department' : 'unit');
              }}
              data={[
                { value: 'unit', label: 'Units' },
                { value: 'department', label: 'Departments' },
              ]}
            />
          </div>
          <Button
            variant="default"
            ml="auto"
            loading={exportCsv.isPending}
            onClick={() => {
              exportCsv.mutate(filters);
            }}
          >
            Export CSV
          </Button>
        </Group>
      </Paper>

      {forecast.isError && (
        <Alert color="red" role="alert" title="The forecast could not be loaded">
          {forecast.error.message}
        </Alert>
      )}
      {exportCsv.isError && (
        <Alert color="red" role="alert" title="The CSV could not be exported">
          {exportCsv.error.message}
        </Alert>
      )}

      {data !== undefined && (
        <>
          <Summary forecast={data} filters={filters} />
          <Paper withBorder p="md" component="section" aria-labelledby="forecast-chart-title">
            <Title order={2} size="h4" id="forecast-chart-title" mb="sm">
              Crates becoming eligible per {data.period}
            </Title>
            <ForecastChart
              forecast={data}
              grouping={grouping}
              height={300}
              caption={`Crates becoming eligible per ${data.period} from ${periodName(
                data.periods[0] ?? { start: data.start, label: '' },
                data.period,
              )}, ${plural(data.summary.forecast_crates, 'crate')} in all; the table below gives the figures.`}
            />
          </Paper>
          <Paper
            withBorder
            component="section"
            aria-label="Figures"
            aria-busy={forecast.isFetching}
          >
            <ForecastTable forecast={data} />
          </Paper>
        </>
      )}
    </Stack>
  );
}
