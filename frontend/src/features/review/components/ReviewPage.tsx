import {
  Alert,
  Anchor,
  Button,
  Group,
  List,
  Loader,
  Paper,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Textarea,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { Link, useParams } from 'react-router';

import { Field } from '@/components/ui/Field';
import { ScrollTable } from '@/components/ui/ScrollTable';
import { SignedActionDialog } from '@/components/ui/SignedActionDialog';
import { fieldErrors, formErrorOf } from '@/lib/api/field-errors';
import type { Me } from '@/lib/api/types';
import {
  isPasswordRefusal,
  signatureFieldErrors,
  useSignerIdPrompt,
} from '@/lib/auth/signing-session';
import { formatDateTime, formatDateTimeUtc } from '@/lib/format';
import { useDocumentTitle } from '@/lib/use-document-title';

import { useReview } from '../api/get-reviews';
import { useDecideFlag, useRefreshReview, useSignReview } from '../api/review-mutations';
import type { FlagDecision, ReviewDetail, ReviewFlag } from '../api/types';
import { FlagStateBadge, ReviewStatusBadge, SignatureStatusBadge } from './review-badges';

const NOWRAP = { whiteSpace: 'nowrap' } as const;

/** One flag: what the rule found, its events, and — while it is open — the decision. The
 *  comment typed stays in the field when the server refuses it. */
function FlagCard({ review, flag }: { review: ReviewDetail; flag: ReviewFlag }) {
  const decide = useDecideFlag(review.id);
  const form = useForm({
    initialValues: { comment: '' },
    validate: {
      comment: (value) => (value.trim() === '' ? 'Say why: a comment is required' : null),
    },
  });
  const submit = (decision: FlagDecision) => {
    const checked = form.validate();
    if (checked.hasErrors) {
      return;
    }
    decide.mutate(
      { flagId: flag.id, body: { version: flag.version, decision, comment: form.values.comment } },
      {
        onError: (error) => {
          form.setErrors(fieldErrors(error));
        },
      },
    );
  };
  const label = `${flag.rule_display}: ${flag.summary}`;

  return (
    <Paper
      withBorder
      p="md"
      component="article"
      aria-label={label}
      data-testid={`flag-${String(flag.id)}`}
    >
      <Stack gap="xs">
        <Group justify="space-between" wrap="nowrap" align="flex-start">
          <div>
            <Text fw={600}>{flag.rule_display}</Text>
            <Text size="sm">{flag.summary}</Text>
          </div>
          <FlagStateBadge state={flag.state} />
        </Group>
        <ScrollTable minWidth={640} label={`Events of ${flag.rule_display}`}>
          <Table aria-label={`Events flagged: ${flag.summary}`} fz="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Event</Table.Th>
                <Table.Th scope="col">When</Table.Th>
                <Table.Th scope="col">Who</Table.Th>
                <Table.Th scope="col">Action</Table.Th>
                <Table.Th scope="col">Object</Table.Th>
                <Table.Th scope="col">Address</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {flag.events.map((event) => (
                <Table.Tr key={event.id}>
                  <Table.Td>{event.id}</Table.Td>
                  <Table.Td style={NOWRAP}>{formatDateTime(event.at)}</Table.Td>
                  <Table.Td>{event.actor_username || '—'}</Table.Td>
                  <Table.Td>{event.action}</Table.Td>
                  <Table.Td>
                    {event.object_type} {event.object_id}
                  </Table.Td>
                  <Table.Td>{event.ip_address ?? '—'}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollTable>
        {flag.event_count > flag.events.length && (
          <Text size="xs" c="dimmed">
            {flag.events.length} of {flag.event_count} events shown; the audit trail lists them all
            (event ids {flag.event_ids.join(', ')}).
          </Text>
        )}
        {flag.state === 'OPEN' && review.can_review ? (
          <Stack gap="xs">
            {decide.isError && (
              <Alert color="red" role="alert" title="Nothing was recorded">
                {formErrorOf(decide.error, ['comment', 'decision', 'version'])}
              </Alert>
            )}
            <Textarea
              label="Comment"
              description="Why it is acceptable, or what the finding is."
              autosize
              minRows={2}
              {...form.getInputProps('comment')}
            />
            <Group>
              <Button
                color="green"
                loading={decide.isPending}
                onClick={() => {
                  submit('ACKNOWLEDGED');
                }}
              >
                Acknowledge
              </Button>
              <Button
                color="red"
                variant="light"
                loading={decide.isPending}
                onClick={() => {
                  submit('FINDING');
                }}
              >
                Raise finding
              </Button>
            </Group>
          </Stack>
        ) : (
          flag.state !== 'OPEN' && (
            <Text size="sm">
              <strong>{flag.state === 'FINDING' ? 'Finding' : 'Acknowledged'}</strong> by{' '}
              {flag.decided_by_name ?? '—'}, {formatDateTime(flag.decided_at)}: {flag.comment}
            </Text>
          )
        )}
      </Stack>
    </Paper>
  );
}

/** What the REVIEWED signature signs: the unit, the month and every flag with its decision. */
function WhatYouSign({ review }: { review: ReviewDetail }) {
  return (
    <Paper withBorder p="xs" aria-label="What you sign" role="group" data-testid="signing-what">
      <Text size="sm">
        Audit trail of <strong>{review.unit_code}</strong> for <strong>{review.period}</strong> ·{' '}
        {review.flag_count} flag(s), {review.finding_count} finding(s)
      </Text>
      <List size="sm" spacing={0} aria-label="Flags and decisions">
        {review.flags.map((flag) => (
          <List.Item key={flag.id}>
            {flag.rule_display} — {flag.state === 'FINDING' ? 'finding' : 'acknowledged'}:{' '}
            {flag.comment}
          </List.Item>
        ))}
      </List>
    </Paper>
  );
}

function SignReviewDialog({
  review,
  signerName,
  onClose,
}: {
  review: ReviewDetail;
  signerName: string;
  onClose: () => void;
}) {
  const sign = useSignReview(review.id);
  const signerId = useSignerIdPrompt();
  const form = useForm({
    initialValues: { username: '', password: '', reason: '' },
    validate: { password: (value) => signerId.checkPassword(value) },
  });
  return (
    <SignedActionDialog
      title={`Sign the review: ${review.unit_code} ${review.period}`}
      signerName={signerName}
      meaning="Audit trail reviewed"
      verb="review"
      color="green"
      reasonRequired={false}
      reason={form.getInputProps('reason')}
      username={signerId.usernameRequired ? form.getInputProps('username') : undefined}
      password={form.getInputProps('password')}
      pending={sign.isPending}
      error={sign.isError ? sign.error : null}
      onClose={onClose}
      onSubmit={form.onSubmit((values) => {
        if (signerId.usernameRequired && values.username.trim() === '') {
          form.setFieldError('username', 'Enter your user ID to sign');
          return;
        }
        sign.mutate(
          {
            version: review.version,
            signature: signerId.signature(values),
            reason: values.reason.trim(),
          },
          {
            onSuccess: () => {
              notifications.show({
                color: 'green',
                title: 'Signed',
                message: `${review.unit_code} ${review.period} is signed as reviewed.`,
              });
              onClose();
            },
            onError: (error) => {
              if (!signerId.noteError(error) && isPasswordRefusal(error)) {
                form.setFieldValue('password', '');
              }
              form.setErrors(signatureFieldErrors(error));
            },
          },
        );
      })}
    >
      <WhatYouSign review={review} />
    </SignedActionDialog>
  );
}

export function ReviewPage({ me }: { me: Me }) {
  const id = Number(useParams().reviewId);
  const review = useReview(id);
  const refresh = useRefreshReview(id);
  const [signing, setSigning] = useState(false);
  useDocumentTitle(
    review.data
      ? `Audit-trail review ${review.data.unit_code} ${review.data.period}`
      : 'Audit-trail review',
  );

  if (!Number.isInteger(id)) {
    return <Alert color="red">Unknown review.</Alert>;
  }
  if (review.isLoading) {
    return <Loader role="status" aria-label="Loading the review" />;
  }
  if (review.isError) {
    return (
      <Alert color="red" role="alert" title="The review could not be loaded">
        {review.error.message}
      </Alert>
    );
  }
  const detail = review.data;
  if (detail === undefined) {
    return null;
  }

  return (
    <Stack>
      <Anchor component={Link} to="/audit-reviews" size="sm">
        ← Audit-trail reviews
      </Anchor>
      <Group justify="space-between">
        <Title order={1} size="h2">
          Audit-trail review {detail.unit_code} {detail.period}
        </Title>
        <ReviewStatusBadge status={detail.status} />
      </Group>
      <Paper withBorder p="md">
        <SimpleGrid cols={{ base: 2, md: 4 }}>
          <Field label="Unit">
            {detail.unit_code} · {detail.unit_name}
          </Field>
          <Field label="Period">
            {detail.period_start} – {detail.period_end}
          </Field>
          <Field label="Opened by">
            {detail.opened_by_name}, {formatDateTime(detail.opened_at)}
          </Field>
          <Field label="Flags computed">{formatDateTime(detail.flags_computed_at)}</Field>
        </SimpleGrid>
      </Paper>

      {detail.can_review && (
        <Group data-testid="review-actions">
          <Button
            color="green"
            disabled={detail.open_count > 0}
            onClick={() => {
              setSigning(true);
            }}
          >
            Sign as reviewed
          </Button>
          <Button
            variant="default"
            loading={refresh.isPending}
            onClick={() => {
              refresh.mutate(detail.version, {
                onError: (error) => {
                  notifications.show({
                    color: 'red',
                    title: 'The flags were not refreshed',
                    message: error.message,
                  });
                },
              });
            }}
          >
            Refresh flags
          </Button>
          {detail.open_count > 0 && (
            <Text size="sm" c="dimmed">
              {detail.open_count} flag(s) to acknowledge or raise as findings before signing.
            </Text>
          )}
        </Group>
      )}

      <Stack component="section" aria-labelledby="review-flags" gap="sm">
        <Title order={2} size="h4" id="review-flags">
          Flags ({detail.flag_count})
        </Title>
        {detail.flags.length === 0 && (
          <Text size="sm">No rule flagged any event of this month.</Text>
        )}
        {detail.flags.map((flag) => (
          <FlagCard key={flag.id} review={detail} flag={flag} />
        ))}
      </Stack>

      <Paper withBorder p="md" component="section" aria-labelledby="review-signatures">
        <Title order={2} size="h4" id="review-signatures" mb="sm">
          Signatures
        </Title>
        {detail.signatures.length === 0 ? (
          <Text size="sm">Not signed yet.</Text>
        ) : (
          <ScrollTable minWidth={640} label="Signatures">
            <Table aria-labelledby="review-signatures">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Meaning</Table.Th>
                  <Table.Th scope="col">Printed name</Table.Th>
                  <Table.Th scope="col">Signed (UTC)</Table.Th>
                  <Table.Th scope="col">Reason</Table.Th>
                  <Table.Th scope="col">Status</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {detail.signatures.map((signature) => (
                  <Table.Tr key={signature.id}>
                    <Table.Td>{signature.meaning_display}</Table.Td>
                    <Table.Td>{signature.printed_name}</Table.Td>
                    <Table.Td style={NOWRAP}>
                      <time dateTime={signature.signed_at}>
                        {formatDateTimeUtc(signature.signed_at)}
                      </time>
                    </Table.Td>
                    <Table.Td>{signature.reason}</Table.Td>
                    <Table.Td>
                      <SignatureStatusBadge signature={signature} />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollTable>
        )}
      </Paper>

      {signing && (
        <SignReviewDialog
          review={detail}
          signerName={me.full_name}
          onClose={() => {
            setSigning(false);
          }}
        />
      )}
    </Stack>
  );
}
