import { Alert, Anchor, Button, Group, Paper, Stack, Text, Textarea, Title } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';

import { DateFilterInput, IdFilterSelect } from '@/components/ui/FilterInputs';
import { ListStatus, LoadMore } from '@/components/ui/LoadMore';
import { useDepartments } from '@/entities/departments/get-departments';
import { eligibleCratesQueryOptions } from '@/entities/crates/get-eligible-crates';
import { formErrorOf } from '@/lib/api/field-errors';
import type { Me } from '@/lib/api/types';
import { useUnitChoices } from '@/lib/auth/unit-choices';

import { useCreateBatch } from '../api/create-batch';
import {
  builderFiltersFromParams,
  paramsFromBuilderFilters,
  type BuilderFilters,
} from './builder-filters';
import { choosable, crateRefusals } from './eligible-crates';
import { EligibleCratesTable } from './EligibleCratesTable';

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
  const unitDepartments = (departments.data?.results ?? []).filter((d) => d.unit === unit);
  // A crate chosen, then held by a request or batch meanwhile (the list refreshes live), stays
  // marked on its row but is not sent.
  const chosen = choosable(selected, rows);

  const select = (crateIds: readonly number[], on: boolean) => {
    setSelected((previous) => {
      const next = new Set(previous);
      for (const crateId of crateIds) {
        if (on) {
          next.add(crateId);
        } else {
          next.delete(crateId);
        }
      }
      return next;
    });
  };

  const submit = () => {
    if (unit === undefined || chosen.length === 0) {
      return;
    }
    create.mutate(
      { unit, crates: chosen, note: note.trim() },
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
          Crates whose retention has ended: in storage, not on legal hold, not kept permanently. A
          crate an open request or another open batch holds says which and cannot be chosen. The
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
            <EligibleCratesTable
              label="Eligible crates"
              rows={rows}
              selected={selected}
              onSelect={select}
              refusals={refusals}
              busy={crates.isFetching}
            />
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
              {chosen.length === 1
                ? '1 crate selected'
                : `${String(chosen.length)} crates selected`}
            </Text>
            <Button
              onClick={submit}
              loading={create.isPending}
              disabled={unit === undefined || chosen.length === 0}
            >
              Create draft batch
            </Button>
          </Group>
        </Stack>
      </Paper>
    </Stack>
  );
}
