import {
  Alert,
  Anchor,
  Button,
  Group,
  Modal,
  MultiSelect,
  Paper,
  Select,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';

import { ListStatus, LoadMore } from '@/components/ui/LoadMore';
import { ScrollTable } from '@/components/ui/ScrollTable';
import { fieldErrors, formErrorOf } from '@/lib/api/field-errors';
import type { Me } from '@/lib/api/types';
import { PERMISSIONS, can } from '@/lib/auth/permissions';
import { formatDateTime } from '@/lib/format';

import { useReviews } from '../api/get-reviews';
import { useOpenReview } from '../api/review-mutations';
import type { ReviewStatus } from '../api/types';
import { ReviewStatusBadge } from './review-badges';
import { endedMonths } from './review-months';

const NOWRAP = { whiteSpace: 'nowrap' } as const;
const STATUSES: ReviewStatus[] = ['OPEN', 'SIGNED'];

/** Opening a review: one of the reviewer's units and a month that has ended. */
export function OpenReviewDialog({ me, onClose }: { me: Me; onClose: () => void }) {
  const open = useOpenReview();
  const navigate = useNavigate();
  const months = endedMonths(new Date(), 12);
  const form = useForm({
    initialValues: {
      unit: me.units.length === 1 ? String(me.units[0]?.id) : '',
      period: months[0] ?? '',
    },
    validate: {
      unit: (value) => (value === '' ? 'Choose a unit' : null),
      period: (value) => (value === '' ? 'Choose a month' : null),
    },
  });
  return (
    <Modal opened onClose={onClose} title="Open an audit-trail review">
      <form
        onSubmit={form.onSubmit((values) => {
          open.mutate(
            { unit: Number(values.unit), period: values.period },
            {
              onSuccess: (detail) => {
                onClose();
                void navigate(`/audit-reviews/${String(detail.id)}`);
              },
              onError: (error) => {
                form.setErrors(fieldErrors(error));
              },
            },
          );
        })}
      >
        <Stack>
          {open.isError && (
            <Alert color="red" role="alert" title="The review was not opened">
              {formErrorOf(open.error, ['unit', 'period'])}
            </Alert>
          )}
          <Select
            label="Unit"
            required
            data={me.units.map((unit) => ({ value: String(unit.id), label: unit.code }))}
            {...form.getInputProps('unit')}
          />
          <Select
            label="Month"
            required
            data={months}
            description="A review covers one calendar month that has ended."
            {...form.getInputProps('period')}
          />
          <Text size="sm" c="dimmed">
            Opening the review runs the rules over the unit&apos;s audit events of that month and
            lists what they flag.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={open.isPending}>
              Open review
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** The audit-trail reviews of the caller's units, most recently opened first. */
export function ReviewsListPage({ me }: { me: Me }) {
  const [params, setParams] = useSearchParams();
  const status = params
    .getAll('status')
    .filter((s): s is ReviewStatus => STATUSES.includes(s as ReviewStatus));
  const reviews = useReviews({ status: status.length === 0 ? undefined : status });
  const [opening, setOpening] = useState(false);
  const rows = reviews.data?.pages.flatMap((page) => page.results) ?? [];

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1} size="h2">
          Audit-trail reviews
        </Title>
        <Group>
          <Button variant="default" component={Link} to="/audit-reviews/coverage">
            Coverage
          </Button>
          {can(me, PERMISSIONS.reviewAuditTrail) && (
            <Button
              onClick={() => {
                setOpening(true);
              }}
            >
              Open review
            </Button>
          )}
        </Group>
      </Group>

      <Paper withBorder p="md" component="section" aria-label="Filters">
        <MultiSelect
          label="Status"
          placeholder={status.length === 0 ? 'All statuses' : undefined}
          clearable
          data={[
            { value: 'OPEN', label: 'Open' },
            { value: 'SIGNED', label: 'Signed' },
          ]}
          value={status}
          onChange={(value) => {
            const next = new URLSearchParams();
            for (const s of value) {
              next.append('status', s);
            }
            setParams(next, { replace: true });
          }}
          w={300}
        />
      </Paper>

      {reviews.isError && (
        <Alert color="red" role="alert" title="The reviews could not be loaded">
          {reviews.error.message}
        </Alert>
      )}

      <Paper withBorder>
        <ScrollTable minWidth={900} label="Audit-trail reviews">
          <Table striped highlightOnHover aria-label="Audit-trail reviews">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Unit</Table.Th>
                <Table.Th scope="col">Month</Table.Th>
                <Table.Th scope="col">Status</Table.Th>
                <Table.Th scope="col">Flags</Table.Th>
                <Table.Th scope="col">Open flags</Table.Th>
                <Table.Th scope="col">Findings</Table.Th>
                <Table.Th scope="col">Opened by</Table.Th>
                <Table.Th scope="col">Signed by</Table.Th>
                <Table.Th scope="col">Signed</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((review) => (
                <Table.Tr key={review.id} data-testid={`review-row-${String(review.id)}`}>
                  <Table.Td>{review.unit_code}</Table.Td>
                  <Table.Td style={NOWRAP}>
                    <Anchor component={Link} to={`/audit-reviews/${String(review.id)}`} fw={600}>
                      {review.period}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    <ReviewStatusBadge status={review.status} />
                  </Table.Td>
                  <Table.Td>{review.flag_count}</Table.Td>
                  <Table.Td>{review.open_count}</Table.Td>
                  <Table.Td>{review.finding_count}</Table.Td>
                  <Table.Td>{review.opened_by_name}</Table.Td>
                  <Table.Td>{review.signed_by_name ?? '—'}</Table.Td>
                  <Table.Td style={NOWRAP}>{formatDateTime(review.signed_at)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollTable>
        <ListStatus
          query={reviews}
          rows={rows.length}
          emptyText="No reviews match these filters."
        />
      </Paper>
      <LoadMore query={reviews} />
      <Text size="sm" c="dimmed">
        Each month of each unit is reviewed once: rules flag the audit events to look at, each flag
        is acknowledged or raised as a finding, and the reviewer signs the month.
      </Text>
      {opening && (
        <OpenReviewDialog
          me={me}
          onClose={() => {
            setOpening(false);
          }}
        />
      )}
    </Stack>
  );
}
