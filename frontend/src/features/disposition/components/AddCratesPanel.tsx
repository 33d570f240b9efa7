import { Alert, Button, Group, Paper, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';

import { ListStatus, LoadMore } from '@/components/ui/LoadMore';
import { eligibleCratesQueryOptions } from '@/entities/crates/get-eligible-crates';
import { formErrorOf } from '@/lib/api/field-errors';

import { useAddBatchCrates } from '../api/edit-batch-items';
import type { BatchDetail } from '../api/types';
import { isStale } from './batch-actions';
import { choosable, crateRefusals } from './eligible-crates';
import { EligibleCratesTable } from './EligibleCratesTable';

/**
 * The crates that may still join a DRAFT batch: the eligible crates of its unit not in it yet,
 * chosen with check boxes and added at once. A refusal names each crate on its row and keeps
 * the choice; nothing is added unless every crate is.
 */
export function AddCratesPanel({ batch }: { batch: BatchDetail }) {
  const crates = useInfiniteQuery(eligibleCratesQueryOptions({ unit: batch.unit }));
  const add = useAddBatchCrates(batch.id);
  const [selected, setSelected] = useState<ReadonlySet<number>>(new Set());
  const inBatch = new Set(batch.items.map((item) => item.crate));
  const rows = (crates.data?.pages.flatMap((page) => page.results) ?? []).filter(
    (crate) => !inBatch.has(crate.id),
  );
  const chosen = choosable(selected, rows).filter((crateId) => !inBatch.has(crateId));

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

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="batch-add">
      <Title order={2} size="h4" id="batch-add" mb="xs">
        Add crates
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        Crates of {batch.unit_code} whose retention has ended and that are not in this batch.
      </Text>
      {crates.isError && (
        <Alert color="red" role="alert" title="The crates could not be loaded">
          {crates.error.message}
        </Alert>
      )}
      <EligibleCratesTable
        label="Crates to add"
        rows={rows}
        selected={selected}
        onSelect={select}
        refusals={crateRefusals(add.error)}
        busy={crates.isFetching}
      />
      <ListStatus query={crates} rows={rows.length} emptyText="No other crate is eligible now." />
      <LoadMore query={crates} />
      {add.isError && (
        <Alert color="red" role="alert" title="No crate was added" mt="sm">
          {isStale(add.error)
            ? 'The batch was changed by someone else; it has been reloaded. Your choice is kept: add again.'
            : formErrorOf(add.error, ['crates'])}
          {Object.keys(crateRefusals(add.error)).length > 0 &&
            ' Each refused crate says why on its row.'}
        </Alert>
      )}
      <Group justify="space-between" mt="sm">
        <Text size="sm" data-testid="add-count">
          {chosen.length === 1 ? '1 crate chosen' : `${String(chosen.length)} crates chosen`}
        </Text>
        <Button
          disabled={chosen.length === 0}
          loading={add.isPending}
          onClick={() => {
            add.mutate(
              { version: batch.version, crates: chosen },
              {
                onSuccess: (detail) => {
                  setSelected(new Set());
                  notifications.show({
                    color: 'green',
                    title: 'Crates added',
                    message: `${String(chosen.length)} crate(s) added to ${detail.number}.`,
                  });
                },
              },
            );
          }}
        >
          {chosen.length === 1 ? 'Add 1 crate' : `Add ${String(chosen.length)} crates`}
        </Button>
      </Group>
    </Paper>
  );
}
