import {
  Alert,
  Anchor,
  Button,
  Group,
  Paper,
  Select,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { Link, useSearchParams } from 'react-router';

import { IdFilterSelect } from '@/components/ui/FilterInputs';
import { ListStatus, LoadMore } from '@/components/ui/LoadMore';
import { ScrollTable } from '@/components/ui/ScrollTable';
import type { Me, RetentionRule } from '@/lib/api/types';
import { PERMISSIONS, can } from '@/lib/auth/permissions';
import { formatDateTime } from '@/lib/format';

import { useDocumentTypes } from '@/entities/documents/get-document-types';
import { useRules } from '../api/get-rules';
import type { RuleFilters } from '../api/retention-keys';
import { RuleStatusBadge } from './RuleStatusBadge';
import { ACTION_LABELS, isPermanent, periodText, triggerText } from './rule-text';
import { paramsFromRuleFilters, ruleFiltersFromParams } from './schedule-filters';

const NOWRAP = { whiteSpace: 'nowrap' } as const;

const STATUS_CHOICES = [
  { value: 'APPROVED', label: 'Approved (the schedule)' },
  { value: 'DRAFT', label: 'Drafts' },
  { value: 'SUPERSEDED', label: 'Superseded' },
  { value: 'DISCARDED', label: 'Discarded' },
  { value: 'ALL', label: 'Every version' },
];

function Approval({ rule }: { rule: RetentionRule }) {
  if (rule.approved_at === null) {
    return (
      <Text size="sm" c="dimmed">
        Drafted by {rule.drafted_by_name ?? '—'}
      </Text>
    );
  }
  return (
    <>
      <Text size="sm">{rule.approved_by_name ?? 'Initial setup'}</Text>
      <Text size="xs" c="dimmed" style={NOWRAP}>
        {formatDateTime(rule.approved_at)}
      </Text>
    </>
  );
}

/** The retention schedule (file plan): the approved rules, or drafts and history by filter. */
export function RetentionSchedulePage({ me }: { me: Me }) {
  const [params, setParams] = useSearchParams();
  const filters = ruleFiltersFromParams(params);
  const rules = useRules(filters);
  const types = useDocumentTypes();
  const rows = rules.data?.pages.flatMap((page) => page.results) ?? [];

  const update = (patch: Partial<RuleFilters>) => {
    setParams(paramsFromRuleFilters({ ...filters, ...patch }), { replace: true });
  };

  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <Title order={1} size="h2">
          Retention schedule
        </Title>
        {can(me, PERMISSIONS.addRetentionRule) && (
          <Button component={Link} to="/retention/rules/new">
            New rule
          </Button>
        )}
      </Group>
      <Paper withBorder p="md" component="section" aria-label="Filters">
        <Group align="flex-end" wrap="wrap">
          <IdFilterSelect
            label="Document type"
            placeholder="All types"
            clearable
            searchable
            data={(types.data ?? []).map((t) => ({
              value: String(t.id),
              label: `${t.code} — ${t.name}`,
            }))}
            value={filters.doc_type}
            onChange={(value) => {
              update({ doc_type: value });
            }}
            w={240}
          />
          <Select
            label="Status"
            data={STATUS_CHOICES}
            allowDeselect={false}
            value={filters.status ?? 'ALL'}
            onChange={(value) => {
              update({
                status:
                  value === null || value === 'ALL'
                    ? undefined
                    : (['DRAFT', 'APPROVED', 'SUPERSEDED', 'DISCARDED'] as const).find(
                        (s) => s === value,
                      ),
              });
            }}
            w={220}
          />
        </Group>
      </Paper>

      {rules.isError && (
        <Alert color="red" role="alert" title="The schedule could not be loaded">
          {rules.error.message}
        </Alert>
      )}

      <Paper withBorder>
        <ScrollTable minWidth={1000} label="Retention rules">
          <Table striped highlightOnHover aria-label="Retention rules" aria-busy={rules.isFetching}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Code</Table.Th>
                <Table.Th>Title</Table.Th>
                <Table.Th>Scope</Table.Th>
                <Table.Th>Trigger</Table.Th>
                <Table.Th>Period</Table.Th>
                <Table.Th>Action</Table.Th>
                <Table.Th>Citation</Table.Th>
                <Table.Th>Version</Table.Th>
                <Table.Th>Approved</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((rule) => (
                <Table.Tr
                  key={rule.id}
                  data-testid={`rule-row-${rule.code}-${String(rule.revision)}`}
                >
                  <Table.Td style={NOWRAP}>
                    <Anchor
                      component={Link}
                      to={`/retention/rules/${String(rule.id)}`}
                      ff="monospace"
                      fw={600}
                    >
                      {rule.code}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{rule.title}</Table.Td>
                  <Table.Td>
                    <Text size="sm" ff="monospace" style={NOWRAP}>
                      {rule.doc_type_code}
                    </Text>
                    <Text size="xs" c="dimmed" style={NOWRAP}>
                      {rule.department_code !== null
                        ? `${rule.unit_code ?? '?'} / ${rule.department_code}`
                        : (rule.unit_code ?? 'All units')}
                    </Text>
                  </Table.Td>
                  <Table.Td>{triggerText(rule)}</Table.Td>
                  <Table.Td style={NOWRAP}>
                    {isPermanent(rule) ? '—' : periodText(rule.period_years, rule.period_months)}
                  </Table.Td>
                  <Table.Td style={NOWRAP}>{ACTION_LABELS[rule.action]}</Table.Td>
                  <Table.Td>
                    <Text size="sm" lineClamp={2} title={rule.citation}>
                      {rule.citation}
                    </Text>
                  </Table.Td>
                  <Table.Td style={NOWRAP}>
                    <Text size="sm">v{rule.revision}</Text>
                    <RuleStatusBadge status={rule.status} />
                  </Table.Td>
                  <Table.Td>
                    <Approval rule={rule} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollTable>
        <ListStatus
          query={rules}
          rows={rows.length}
          emptyText={
            filters.status === 'APPROVED' ? 'No approved rules match.' : 'No rule versions match.'
          }
        />
      </Paper>
      <LoadMore query={rules} />
    </Stack>
  );
}
