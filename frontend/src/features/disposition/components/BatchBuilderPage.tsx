import {
  Alert,
  Anchor,
  Button,
  Checkbox,
  Group,
  Paper,
  Stack,
  Table,
  Text,
  Textarea,
  Title,
} from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';

import { DateFilterInput, IdFilterSelect } from '@/components/ui/FilterInputs';
import { ListStatus, LoadMore } from '@/components/ui/LoadMore';
import { ScrollTable } from '@/components/ui/ScrollTable';
import { useDepartments } from '@/entities/departments/get-departments';
import { eligibleCratesQueryOptions } from '@/entities/crates/get-eligible-crates';
import { ApiError } from '@/lib/api-client';
import { formErrorOf } from '@/lib/api/field-errors';
import type { Me } from '@/lib/api/types';
import { useUnitChoices } from '@/lib/auth/unit-choices';
import { formatDate } from '@/lib/format';

import { useCreateBatch } from '../api/create-batch';
import {
  builderFiltersFromParams,
  paramsFromBuilderFilters,
  type BuilderFilters,
} from './builder-filters';

const NOWRAP = { whiteSpace: 'nowrap' } as const;

/** The server's refusal of single crates (409 `crates_not_eligible`): crate id → message. */
function crateRefusals(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError)) {
    return {};
  }
  const crates = error.details.crates;
  if (typeof crates !== 'object' || crates === null || Array.isArray(crates)) {
    return {};
  }
  return Object.fromEntries(
    Object.entries(crates as Record<string, unknown>).map(([crate, messages]) => [
      crate,
      Array.isArray(messages) ? messages.map(String).join(' ') : String(messages),
    ]),
  );
}

/**
 * The batch builder: the crates whose retention has ended (in storage, no legal hold, not
 * permanent) in one unit, filtered by department and retention date (from the URL, so the
 * forecast can link here), chosen with check boxes into a DRAFT batch. Nothing is signed yet:
 * the preparer submits the draft, signed, from its page.
 */
export function BatchBuilderPage({ me }: { me: Me }) {
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const units = useUnitChoices(me);
  const requested = builderFiltersFromParams(params);
  const onlyUnit = units.length === 1 ? units[0]?.id : undefined;
  const filters: BuilderFilters = { ...requested, unit: requested.unit ?? onlyUnit };
  const unit = filters.unit;
  const departments = useDepartments();
  const crates = useInfiniteQuery({
    ...eligibleCratesQueryOptions({
      unit,
      department: filters.department,
      period_start: filters.period_start,
      period_end: filters.period_end,
    }),
    enabled: unit !== undefined,
  });
  const create = useCreateBatch();
  const [selected, setSelected] = useState<ReadonlySet<number>>(new Set());
  const [note, setNote] = useState('');

  const update = (patch: Partial<BuilderFilters>) => {
    setParams(paramsFromBuilderFilters({ ...filters, ...patch }), { replace: true });
  };
  const rows = crates.data?.pages.flatMap((page) => page.results) ?? [];
  const refusals = crateRefusals(create.error);
  const onPage = rows.map((crate) => crate.id);
  const selectedOnPage = onPage.filter((crateId) => selected.has(crateId)).length;
  const allOnPage = onPage.length > 0 && selectedOnPage === onPage.length;
  const unitDepartments = (departments.data?.results ?? []).filter((d) => d.unit === unit);

  const toggle = (crateId: number, on: boolean) => {
    setSelected((previous) => {
      const next = new Set(previous);
      if (on) {
        next.add(crateId);
      } else {
        next.delete(crateId);
      }
      return next;
    });
  };

  const submit = () => {
    if (unit === undefined || selected.size === 0) {
      return;
    }
    create.mutate(
      { unit, crates: [...selected], note: note.trim() },
      {
        onSuccess: (batch) => {
          void navigate(`/destruction-batches/${String(batch.id)}`);
        },
      },
    );
  };

  return (
    <Stack>
      <div>
        <Anchor component={Link} to="/destruction-batches" size="sm">
          ← All destruction batches
        </Anchor>
        <Title order={1} size="h2">
          New destruction batch
        </Title>
        <Text c="dimmed">
          Crates whose retention has ended: in storage, not on legal hold, not kept permanently. The
          batch starts as a draft; you submit it, signed, for approval from its page.
        </Text>
      </div>

      <Paper withBorder p="md" component="section" aria-label="Filters">
        <Group align="flex-end" wrap="wrap">
          <IdFilterSelect
            label="Unit"
            placeholder="Choose a unit"
            required
            data={units.map((u) => ({ value: String(u.id), label: `${u.code} — ${u.name}` }))}
            value={unit}
            onChange={(value) => {
              setSelected(new Set());
              update({ unit: value, department: undefined });
            }}
            w={240}
          />
          <IdFilterSelect
            label="Department"
            placeholder="All departments"
            clearable
            disabled={unit === undefined}
            data={unitDepartments.map((d) => ({ value: String(d.id), label: d.code }))}
            value={filters.department}
            onChange={(value) => {
              update({ department: value });
            }}
            w={180}
          />
          <DateFilterInput
            label="Retention ended from"
            value={filters.period_start}
            onChange={(value) => {
              update({ period_start: value });
            }}
            w={180}
          />
          <DateFilterInput
            label="Retention ended by"
            value={filters.period_end}
            onChange={(value) => {
              update({ period_end: value });
            }}
            w={180}
          />
        </Group>
      </Paper>

      {unit === undefined ? (
        <Alert color="blue" title="Choose a unit">
          A batch holds the crates of one unit.
        </Alert>
      ) : (
        <>
          {crates.isError && (
            <Alert color="red" role="alert" title="The crates could not be loaded">
              {crates.error.message}
            </Alert>
          )}
          <Paper withBorder>
            <ScrollTable minWidth={760} label="Eligible crates">
              <Table
                striped
                highlightOnHover
                aria-label="Eligible crates"
                aria-busy={crates.isFetching}
              >
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col" w={48}>
                      <Checkbox
                        aria-label="Select all crates on this page"
                        checked={allOnPage}
                        indeterminate={selectedOnPage > 0 && !allOnPage}
                        disabled={onPage.length === 0}
                        onChange={(event) => {
                          const on = event.currentTarget.checked;
                          setSelected((previous) => {
                            const next = new Set(previous);
                            for (const crateId of onPage) {
                              if (on) {
                                next.add(crateId);
                              } else {
                                next.delete(crateId);
                              }
                            }
                            return next;
                          });
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
                    return (
                      <Table.Tr
                        key={crate.id}
                        data-testid={`eligible-${crate.code}`}
                        data-refused={refusal === undefined ? undefined : true}
                      >
                        <Table.Td>
                          <Checkbox
                            aria-label={`Select ${crate.code}`}
                            aria-describedby={refusal === undefined ? undefined : refusalId}
                            aria-invalid={refusal === undefined ? undefined : true}
                            checked={selected.has(crate.id)}
                            onChange={(event) => {
                              toggle(crate.id, event.currentTarget.checked);
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
            <ListStatus
              query={crates}
              rows={rows.length}
              emptyText="No crate of this unit is eligible for destruction with these filters."
            />
          </Paper>
          <LoadMore query={crates} />
        </>
      )}

      <Paper withBorder p="md" component="section" aria-label="The batch">
        <Stack>
          <Textarea
            label="Note (optional)"
            description="Shown on the batch, its pick-list and its certificate."
            autosize
            minRows={2}
            maxLength={2000}
            value={note}
            onChange={(event) => {
              setNote(event.currentTarget.value);
            }}
          />
          {create.isError && (
            <Alert color="red" role="alert" title="No batch was created">
              {formErrorOf(create.error, ['crates'])}
              {Object.keys(refusals).length > 0 && ' Each refused crate says why on its row.'}
            </Alert>
          )}
          <Group justify="space-between">
            <Text size="sm" data-testid="selected-count">
              {selected.size === 1
                ? '1 crate selected'
                : `${String(selected.size)} crates selected`}
            </Text>
            <Button
              onClick={submit}
              loading={create.isPending}
              disabled={unit === undefined || selected.size === 0}
            >
              Create draft batch
            </Button>
          </Group>
        </Stack>
      </Paper>
    </Stack>
  );
}
