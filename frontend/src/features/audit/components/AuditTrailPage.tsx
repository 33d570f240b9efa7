import {
  Alert,
  Autocomplete,
  Button,
  Code,
  Group,
  Paper,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  UnstyledButton,
} from '@mantine/core';
import { DateInput } from '@mantine/dates';
import { useDebouncedCallback } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { Fragment, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';

import { ScrollTable } from '@/components/ui/ScrollTable';
import { ListStatus, LoadMore } from '@/components/ui/LoadMore';
import type { Me } from '@/lib/api/types';
import { PERMISSIONS, can } from '@/lib/auth/permissions';
import { formatDateTime } from '@/lib/format';

import type { AuditFilters } from '../api/audit-keys';
import { useExportAuditCsv } from '../api/export-audit-csv';
import { useAuditEvents, type AuditEvent } from '../api/get-audit-events';
import { useAuditUnits } from '../api/get-units';
import {
  ACTION_SUGGESTIONS,
  OBJECT_TYPES,
  auditFiltersFromParams,
  changeRows,
  paramsFromAuditFilters,
} from './audit-filters';
import { ChainStatusPanel } from './ChainStatusPanel';

const COLUMNS = 6;

function EventDetails({ event }: { event: AuditEvent }) {
  const rows = changeRows(event.changes);
  return (
    <Stack gap="xs" p="xs">
      {rows.length > 0 && (
        <Table withTableBorder fz="sm" aria-label={`Changes of event ${String(event.id)}`}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Field</Table.Th>
              <Table.Th>Before</Table.Th>
              <Table.Th>After</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((row) => (
              <Table.Tr key={row.field}>
                <Table.Td>{row.field}</Table.Td>
                <Table.Td style={{ wordBreak: 'break-word' }}>{row.before}</Table.Td>
                <Table.Td style={{ wordBreak: 'break-word' }}>{row.after}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Text size="sm">
        <strong>Address:</strong> {event.ip_address ?? '—'} · <strong>Request id:</strong>{' '}
        {event.request_id === undefined || event.request_id === '' ? '—' : event.request_id}
      </Text>
      <Text size="sm" style={{ wordBreak: 'break-word' }}>
        <strong>Browser:</strong> {event.user_agent === '' ? '—' : event.user_agent}
      </Text>
      <Text size="sm" style={{ wordBreak: 'break-all' }}>
        <strong>Hash:</strong> <Code>{event.hash}</Code>
        <br />
        <strong>Previous:</strong> <Code>{event.prev_hash}</Code>
      </Text>
    </Stack>
  );
}

export function AuditTrailPage({ me }: { me: Me }) {
  const [params, setParams] = useSearchParams();
  const filters = auditFiltersFromParams(params);
  const events = useAuditEvents(filters);
  const exportCsv = useExportAuditCsv();
  const units = useAuditUnits(me.all_units);
  const [open, setOpen] = useState<number | null>(null);
  const [draft, setDraft] = useState({
    actor: filters.actor ?? '',
    action: filters.action ?? '',
    objectType: filters.objectType ?? '',
    objectId: filters.objectId ?? '',
  });

  const update = (patch: Partial<AuditFilters>) => {
    setParams(paramsFromAuditFilters({ ...auditFiltersFromParams(params), ...patch }), {
      replace: true,
    });
  };
  // Text filters reach the address bar once typing settles. Every field typed meanwhile is
  // collected here: a debounced call per field would keep only the last field's change.
  const pendingText = useRef<Partial<AuditFilters>>({});
  const flushText = useDebouncedCallback(() => {
    const patch = pendingText.current;
    pendingText.current = {};
    update(patch);
  }, 300);
  const typed = (key: keyof typeof draft) => (value: string) => {
    setDraft((current) => ({ ...current, [key]: value }));
    pendingText.current = {
      ...pendingText.current,
      [key]: value.trim() === '' ? undefined : value,
    };
    flushText();
  };

  const unitOptions = (me.all_units ? (units.data?.results ?? []) : me.units).map((unit) => ({
    value: String(unit.id),
    label: unit.code,
  }));
  const rows = events.data?.pages.flatMap((page) => page.results) ?? [];
  const filtered = Object.keys(filters).length > 0;

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1} size="h2">
          Audit trail
        </Title>
        <Button
          variant="default"
          loading={exportCsv.isPending}
          onClick={() => {
            exportCsv.mutate(filters, {
              onSuccess: (name) => {
                notifications.show({
                  color: 'green',
                  title: 'Exported',
                  message: `${name} holds every event matching the filters, oldest first (chain order).`,
                });
              },
            });
          }}
        >
          Export CSV (oldest first)
        </Button>
      </Group>
      {exportCsv.isError && (
        <Alert color="red" role="alert" title="The export failed">
          {exportCsv.error.message}
        </Alert>
      )}

      {can(me, PERMISSIONS.verifyAudit) && <ChainStatusPanel />}

      <Paper withBorder p="md" component="section" aria-label="Filters">
        <Group align="flex-end" wrap="wrap" gap="sm">
          <TextInput
            label="Actor (username)"
            value={draft.actor}
            onChange={(event) => {
              typed('actor')(event.currentTarget.value);
            }}
            w={140}
          />
          <Autocomplete
            label="Action"
            placeholder="Starts with, e.g. user."
            data={ACTION_SUGGESTIONS}
            value={draft.action}
            onChange={typed('action')}
            w={160}
          />
          <Autocomplete
            label="Object type"
            data={OBJECT_TYPES}
            value={draft.objectType}
            onChange={typed('objectType')}
            w={130}
          />
          <TextInput
            label="Object id"
            value={draft.objectId}
            onChange={(event) => {
              typed('objectId')(event.currentTarget.value);
            }}
            w={90}
          />
          {unitOptions.length > 1 && (
            <Select
              label="Unit"
              placeholder="All units"
              clearable
              data={unitOptions}
              value={filters.unit === undefined ? null : String(filters.unit)}
              onChange={(value) => {
                update({ unit: value === null ? undefined : Number(value) });
              }}
              w={110}
            />
          )}
          <DateInput
            label="From"
            valueFormat="YYYY-MM-DD"
            placeholder="YYYY-MM-DD"
            clearable
            value={filters.from ?? null}
            {...(filters.to === undefined ? {} : { maxDate: filters.to })}
            onChange={(value) => {
              update({ from: value ?? undefined });
            }}
            w={130}
          />
          <DateInput
            label="To"
            valueFormat="YYYY-MM-DD"
            placeholder="YYYY-MM-DD"
            clearable
            value={filters.to ?? null}
            {...(filters.from === undefined ? {} : { minDate: filters.from })}
            onChange={(value) => {
              update({ to: value ?? undefined });
            }}
            w={130}
          />
          {filtered && (
            <Button
              variant="subtle"
              onClick={() => {
                flushText.cancel();
                pendingText.current = {};
                setDraft({ actor: '', action: '', objectType: '', objectId: '' });
                setParams(new URLSearchParams(), { replace: true });
              }}
            >
              Clear filters
            </Button>
          )}
        </Group>
      </Paper>

      {events.isError && (
        <Alert color="red" role="alert" title="The audit trail could not be loaded">
          {events.error.message}
        </Alert>
      )}

      <Paper withBorder>
        <ScrollTable minWidth={760} label="Audit events">
          <Table striped aria-label="Audit events">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>#</Table.Th>
                <Table.Th>Time</Table.Th>
                <Table.Th>Actor</Table.Th>
                <Table.Th>Action</Table.Th>
                <Table.Th>Object</Table.Th>
                <Table.Th>Reason</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((event) => {
                const expanded = open === event.id;
                return (
                  <Fragment key={event.id}>
                    <Table.Tr data-testid={`audit-row-${String(event.id)}`}>
                      <Table.Td>
                        <UnstyledButton
                          aria-expanded={expanded}
                          aria-controls={`audit-details-${String(event.id)}`}
                          aria-label={`Details of event ${String(event.id)}`}
                          onClick={() => {
                            setOpen(expanded ? null : event.id);
                          }}
                          c="blue.8"
                          fw={600}
                        >
                          {expanded ? '▾' : '▸'} {event.id}
                        </UnstyledButton>
                      </Table.Td>
                      <Table.Td>
                        <time dateTime={event.at}>
                          {formatDateTime(event.at, { seconds: true })}
                        </time>
                      </Table.Td>
                      <Table.Td>
                        {event.actor_username === '' ? 'system' : event.actor_username}
                      </Table.Td>
                      <Table.Td ff="monospace">{event.action}</Table.Td>
                      <Table.Td>
                        {event.object_type === ''
                          ? '—'
                          : `${event.object_type ?? ''} ${event.object_id ?? ''}`}
                        {(event.unit_code ?? '') === '' ? '' : ` · ${event.unit_code ?? ''}`}
                      </Table.Td>
                      <Table.Td>{event.reason}</Table.Td>
                    </Table.Tr>
                    {expanded && (
                      <Table.Tr id={`audit-details-${String(event.id)}`}>
                        <Table.Td colSpan={COLUMNS}>
                          <EventDetails event={event} />
                        </Table.Td>
                      </Table.Tr>
                    )}
                  </Fragment>
                );
              })}
            </Table.Tbody>
          </Table>
        </ScrollTable>
        <ListStatus query={events} rows={rows.length} emptyText="No event matches these filters." />
        <LoadMore query={events} label="Load older events" inset />
      </Paper>
    </Stack>
  );
}
