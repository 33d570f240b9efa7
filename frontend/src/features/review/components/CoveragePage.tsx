import {
  Alert,
  Anchor,
  Button,
  Group,
  Loader,
  NumberInput,
  Paper,
  Select,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { Link, useSearchParams } from 'react-router';

import { ScrollTable } from '@/components/ui/ScrollTable';
import type { Me } from '@/lib/api/types';
import { formatDate, formatDateTimeUtc } from '@/lib/format';

import { useCoverage, useCoverageCsv, useCoveragePdf } from '../api/coverage';
import type { CoverageFilters } from '../api/review-keys';
import { CoverageStatusBadge, SignatureStatusBadge } from './review-badges';

const NOWRAP = { whiteSpace: 'nowrap' } as const;

function filtersFrom(params: URLSearchParams): CoverageFilters {
  const unit = Number(params.get('unit'));
  const months = Number(params.get('months'));
  return {
    unit: Number.isInteger(unit) && unit > 0 ? unit : undefined,
    months: Number.isInteger(months) && months >= 1 && months <= 36 ? months : undefined,
  };
}

/** Which months of which units were reviewed, by whom, and what is overdue. */
export function CoveragePage({ me }: { me: Me }) {
  const [params, setParams] = useSearchParams();
  const filters = filtersFrom(params);
  const coverage = useCoverage(filters);
  const csv = useCoverageCsv();
  const pdf = useCoveragePdf();
  const update = (patch: Partial<CoverageFilters>) => {
    const next = { ...filters, ...patch };
    const search = new URLSearchParams();
    if (next.unit !== undefined) {
      search.set('unit', String(next.unit));
    }
    if (next.months !== undefined) {
      search.set('months', String(next.months));
    }
    setParams(search, { replace: true });
  };
  const failed = (what: string) => (error: Error) => {
    notifications.show({
      color: 'red',
      title: `The ${what} could not be made`,
      message: error.message,
    });
  };
  const rows = coverage.data ?? [];
  const overdue = rows.filter((row) => row.status === 'OVERDUE').length;

  return (
    <Stack>
      <Anchor component={Link} to="/audit-reviews" size="sm">
        ← Audit-trail reviews
      </Anchor>
      <Group justify="space-between">
        <Title order={1} size="h2">
          Audit-trail review coverage
        </Title>
        <Group>
          <Button
            variant="default"
            loading={csv.isPending}
            onClick={() => {
              csv.mutate(filters, { onError: failed('CSV file') });
            }}
          >
            Export CSV
          </Button>
          <Button
            variant="default"
            loading={pdf.isPending}
            onClick={() => {
              pdf.mutate(filters, { onError: failed('PDF') });
            }}
          >
            Report (PDF)
          </Button>
        </Group>
      </Group>

      <Paper withBorder p="md" component="section" aria-label="Filters">
        <Group align="flex-end">
          <Select
            label="Unit"
            placeholder="All your units"
            clearable
            data={me.units.map((unit) => ({ value: String(unit.id), label: unit.code }))}
            value={filters.unit === undefined ? null : String(filters.unit)}
            onChange={(value) => {
              update({ unit: value === null ? undefined : Number(value) });
            }}
            w={200}
          />
          <NumberInput
            label="Months back"
            min={1}
            max={36}
            value={filters.months ?? ''}
            placeholder="12"
            onChange={(value) => {
              const months = Number(value);
              update({
                months: value === '' || !Number.isInteger(months) ? undefined : months,
              });
            }}
            w={140}
          />
        </Group>
      </Paper>

      {coverage.isError && (
        <Alert color="red" role="alert" title="The coverage could not be loaded">
          {coverage.error.message}
        </Alert>
      )}
      {coverage.isLoading && <Loader role="status" aria-label="Loading the coverage" />}
      {overdue > 0 && (
        <Alert color="red" title="Overdue" role="status">
          {overdue} unit-month(s) not signed as reviewed within the grace period.
        </Alert>
      )}

      <Paper withBorder>
        <ScrollTable minWidth={1000} label="Coverage">
          <Table striped aria-label="Coverage">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Unit</Table.Th>
                <Table.Th scope="col">Month</Table.Th>
                <Table.Th scope="col">Status</Table.Th>
                <Table.Th scope="col">Due by</Table.Th>
                <Table.Th scope="col">Flags</Table.Th>
                <Table.Th scope="col">Findings</Table.Th>
                <Table.Th scope="col">Reviewer</Table.Th>
                <Table.Th scope="col">Signature</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((row) => (
                <Table.Tr
                  key={`${String(row.unit)}-${row.period}`}
                  data-testid={`coverage-${row.unit_code}-${row.period}`}
                >
                  <Table.Td>{row.unit_code}</Table.Td>
                  <Table.Td style={NOWRAP}>
                    {row.review === null ? (
                      row.period
                    ) : (
                      <Anchor component={Link} to={`/audit-reviews/${String(row.review)}`}>
                        {row.period}
                      </Anchor>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <CoverageStatusBadge status={row.status} />
                  </Table.Td>
                  <Table.Td style={NOWRAP}>{formatDate(row.due_on)}</Table.Td>
                  <Table.Td>{row.review === null ? '—' : row.flag_count}</Table.Td>
                  <Table.Td>{row.review === null ? '—' : row.finding_count}</Table.Td>
                  <Table.Td>{row.opened_by_name || '—'}</Table.Td>
                  <Table.Td>
                    {row.signature === null ? (
                      '—'
                    ) : (
                      <Group gap="xs" wrap="nowrap">
                        <Text size="sm">
                          {row.signature.printed_name} — {row.signature.meaning_display} —{' '}
                          {formatDateTimeUtc(row.signature.signed_at)}
                        </Text>
                        <SignatureStatusBadge signature={row.signature} />
                      </Group>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollTable>
        {coverage.isSuccess && rows.length === 0 && (
          <Text p="md" size="sm">
            No month to review in this period.
          </Text>
        )}
      </Paper>
      <Text size="sm" c="dimmed">
        A month is due once it has ended, and overdue when it is not signed as reviewed within the
        grace period; reviewers are reminded weekly.
      </Text>
    </Stack>
  );
}
