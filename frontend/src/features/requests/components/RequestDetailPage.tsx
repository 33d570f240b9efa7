import {
  Alert,
  Anchor,
  Badge,
  Button,
  Grid,
  Group,
  Loader,
  Paper,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { Link, useParams } from 'react-router';

import { CertificateButton } from '@/components/ui/CertificateButton';
import { Field } from '@/components/ui/Field';
import type { Me, RequestDetail } from '@/lib/api/types';
import { can, PERMISSIONS } from '@/lib/auth/permissions';
import { formatDate, formatDateTime, formatDateTimeUtc, humanize } from '@/lib/format';
import { useChangedElsewhere } from '@/lib/realtime/use-changed-elsewhere';
import { useDocumentTitle } from '@/lib/use-document-title';

import { useRequest } from '../api/get-request';
import { actionColor, actionVariant, dialogActions, type AvailableAction } from './request-actions';
import { mayCorrect } from './request-corrections';
import { RequestStatusBadge } from './RequestStatusBadge';
import { RequestTimeline } from './RequestTimeline';
import { RequestDocuments } from './RequestDocuments';
import { RequestSignatureDialog } from './SignatureDialog';
import { SignatureValidityBadge } from './SignatureValidity';

export function RequestDetailPage({ me }: { me: Me }) {
  const id = Number(useParams().requestId);
  const request = useRequest(id);
  const [action, setAction] = useState<AvailableAction | null>(null);
  useDocumentTitle(request.data ? `Request ${request.data.number}` : 'Request');

  useChangedElsewhere('request', id, (event) => {
    const status = typeof event.data.status === 'string' ? humanize(event.data.status) : null;
    const number = typeof event.data.number === 'string' ? event.data.number : 'This request';
    return status === null ? `${number} was updated.` : `${number} is now ${status}.`;
  });

  if (!Number.isInteger(id)) {
    return <Alert color="red">Unknown request.</Alert>;
  }
  if (request.isLoading) {
    return <Loader role="status" aria-label="Loading the request" />;
  }
  if (request.isError) {
    return (
      <Alert color="red" role="alert" title="The request could not be loaded">
        {request.error.message}
      </Alert>
    );
  }
  const detail: RequestDetail | undefined = request.data;
  if (detail === undefined) {
    return null;
  }
  const actions = dialogActions(detail);
  const status = detail.status ?? 'SUBMITTED';

  return (
    <Stack>
      <Anchor component={Link} to="/requests" size="sm">
        ← All requests
      </Anchor>
      <Group justify="space-between" align="flex-start">
        <div>
          <Title order={1} size="h2">
            {detail.number}
          </Title>
          <Group gap="xs" mt={4}>
            <Badge variant="outline">{humanize(detail.type)}</Badge>
            <span data-testid="request-status">
              <RequestStatusBadge status={status} overdue={detail.overdue} />
            </span>
            <Text size="sm" c="dimmed">
              version {detail.version ?? 0}
            </Text>
          </Group>
        </div>
        <Group gap="xs" aria-label="Actions" role="group">
          {detail.type === 'DESTRUCTION' && status === 'COMPLETED' && (
            <CertificateButton request={detail} />
          )}
          {mayCorrect(detail) && (
            // The one way to resubmit: the edit page, which also resubmits without a change.
            <Button component={Link} to={`/requests/${String(detail.id)}/edit`} color="blue">
              Correct and resubmit
            </Button>
          )}
          {actions.map((spec) => (
            <Button
              key={spec.name}
              color={actionColor(spec)}
              variant={actionVariant(spec)}
              onClick={() => {
                setAction(spec);
              }}
            >
              {spec.label}
            </Button>
          ))}
        </Group>
      </Group>

      <Grid>
        <Grid.Col span={{ base: 12, md: 6 }}>
          <Paper withBorder p="md" component="section" aria-labelledby="request-details">
            <Title order={2} size="h4" id="request-details" mb="sm">
              Details
            </Title>
            <SimpleGrid cols={2} spacing="sm">
              <Field label="Crate">
                <Anchor
                  component={Link}
                  to={`/crates/${String(detail.crate)}`}
                  ff="monospace"
                  className="crate-code"
                  data-testid="request-crate-link"
                >
                  {detail.crate_code}
                </Anchor>
              </Field>
              <Field label="Crate status">{humanize(detail.crate_status)}</Field>
              <Field label="Location">{detail.crate_location_code ?? '—'}</Field>
              <Field label="Unit">{detail.unit_code}</Field>
              <Field label="Requester">{detail.requester_name}</Field>
              <Field label="Submitted">{formatDateTime(detail.submitted_at)}</Field>
              {detail.type === 'WITHDRAWAL' && (
                <Field label="Return by">{formatDate(detail.expected_return_on)}</Field>
              )}
              {detail.issued_at !== null && detail.issued_at !== undefined && (
                <Field label="Issued">{formatDateTime(detail.issued_at)}</Field>
              )}
              {detail.returned_at !== null && detail.returned_at !== undefined && (
                <Field label="Returned">{formatDateTime(detail.returned_at)}</Field>
              )}
              {detail.target_location_code !== null && detail.target_location_code !== '' && (
                <Field label={detail.type === 'WITHDRAWAL' ? 'Return shelf' : 'Target shelf'}>
                  {detail.target_location_code}
                </Field>
              )}
            </SimpleGrid>
            <Stack gap="sm" mt="sm">
              <Field label="Purpose">{detail.purpose}</Field>
            </Stack>
            <Text size="xs" c="dimmed" tt="uppercase" fw={600} mt="sm">
              Documents
            </Text>
            <RequestDocuments request={detail} />
          </Paper>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 6 }}>
          <Paper withBorder p="md" component="section" aria-labelledby="request-timeline">
            <Title order={2} size="h4" id="request-timeline" mb="sm">
              Timeline
            </Title>
            <RequestTimeline
              timeline={detail.timeline}
              auditTrailHref={
                can(me, PERMISSIONS.viewAudit)
                  ? `/audit?object_type=request&object_id=${String(detail.id)}`
                  : undefined
              }
            />
          </Paper>
        </Grid.Col>
      </Grid>

      <Paper withBorder p="md" component="section" aria-labelledby="request-signatures">
        <Title order={2} size="h4" id="request-signatures" mb="sm">
          Signatures
        </Title>
        <Table.ScrollContainer minWidth={640}>
          <Table aria-labelledby="request-signatures">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Meaning</Table.Th>
                <Table.Th>Printed name</Table.Th>
                <Table.Th>Signed at</Table.Th>
                <Table.Th>Reason</Table.Th>
                <Table.Th>Valid</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {detail.signatures.map((signature) => (
                <Table.Tr key={signature.id}>
                  <Table.Td>{signature.meaning_display}</Table.Td>
                  <Table.Td>{signature.printed_name}</Table.Td>
                  <Table.Td>
                    <time dateTime={signature.signed_at}>
                      {formatDateTimeUtc(signature.signed_at)}
                    </time>
                  </Table.Td>
                  <Table.Td>{signature.reason ?? ''}</Table.Td>
                  <Table.Td>
                    <SignatureValidityBadge
                      status={signature.status}
                      valid={signature.valid}
                      label={signature.status_display}
                    />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Paper>

      {detail.send_backs.length > 0 && (
        <Paper withBorder p="md" component="section" aria-labelledby="request-sendbacks">
          <Title order={2} size="h4" id="request-sendbacks" mb="sm">
            Send-backs
          </Title>
          <Stack gap="xs">
            {detail.send_backs.map((sendBack) => (
              <div key={sendBack.id}>
                <Text size="sm">
                  <strong>{sendBack.sent_by_name}</strong> sent it back (from{' '}
                  {humanize(sendBack.from_status)}) on {formatDateTime(sendBack.sent_at)}:{' '}
                  {sendBack.reason}
                </Text>
                {sendBack.resolved_at !== null && sendBack.resolved_at !== undefined && (
                  <Text size="sm" c="dimmed">
                    Resolved {formatDateTime(sendBack.resolved_at)}
                    {sendBack.response !== undefined && sendBack.response !== ''
                      ? `: ${sendBack.response}`
                      : ''}
                  </Text>
                )}
              </div>
            ))}
          </Stack>
        </Paper>
      )}

      {action !== null && (
        <RequestSignatureDialog
          request={detail}
          spec={action}
          signerName={me.full_name}
          onClose={() => {
            setAction(null);
          }}
          onDone={() => {
            setAction(null);
          }}
        />
      )}
    </Stack>
  );
}
