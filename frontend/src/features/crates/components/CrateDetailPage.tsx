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
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { Link, useParams } from 'react-router';

import { CertificateButton } from '@/components/ui/CertificateButton';
import { Field } from '@/components/ui/Field';
import type { CrateDetail, Me } from '@/lib/api/types';
import { PERMISSIONS, can } from '@/lib/auth/permissions';
import { formatDate, formatDateTime, humanize } from '@/lib/format';
import { useChangedElsewhere } from '@/lib/realtime/use-changed-elsewhere';
import { useDocumentTitle } from '@/lib/use-document-title';

import { useCrate } from '@/entities/crates/get-crate';
import { retentionText } from '@/entities/documents/retention-text';
import { useCrateDestruction, useCrateOpenRequest } from '../api/get-crate-requests';
import { crateActions, type HoldSpec } from './crate-actions';
import { CrateStatusBadge, LegalHoldBadge } from './CrateBadges';
import { CrateHistory } from './CrateHistory';
import { HoldDialog } from './HoldDialog';
import { LabelPrintButton } from './LabelPrintButton';

function OpenRequest({ me, crate }: { me: Me; crate: CrateDetail }) {
  const allowed = can(me, PERMISSIONS.viewRequest);
  const open = useCrateOpenRequest(crate.id, allowed);
  if (!allowed) {
    return null;
  }
  return (
    <Field label="Open request">
      {open.isLoading ? (
        'Loading…'
      ) : open.data === null || open.data === undefined ? (
        'None'
      ) : (
        <span data-testid="open-request">
          <Anchor component={Link} to={`/requests/${String(open.data.id)}`}>
            {open.data.number}
          </Anchor>{' '}
          ({humanize(open.data.type)}, {humanize(open.data.status ?? '')})
        </span>
      )}
    </Field>
  );
}

/** A destroyed crate: its destruction request and certificate. */
function Destruction({ me, crate }: { me: Me; crate: CrateDetail }) {
  const allowed = can(me, PERMISSIONS.viewRequest) && crate.status === 'DESTROYED';
  const destruction = useCrateDestruction(crate.id, allowed);
  if (!allowed) {
    return null;
  }
  const found = destruction.data;
  return (
    <Field label="Destruction certificate">
      {destruction.isLoading ? (
        'Loading…'
      ) : found === null || found === undefined ? (
        'None found'
      ) : (
        <Stack gap={4} align="flex-start" component="span" data-testid="crate-destruction">
          <Anchor component={Link} to={`/requests/${String(found.id)}`}>
            {found.number}
          </Anchor>
          <CertificateButton request={found} variant="light" />
        </Stack>
      )}
    </Field>
  );
}

export function CrateDetailPage({ me }: { me: Me }) {
  const id = Number(useParams().crateId);
  const valid = Number.isInteger(id) && id > 0;
  const crate = useCrate(valid ? id : 0);
  const [hold, setHold] = useState<HoldSpec | null>(null);
  useDocumentTitle(crate.data ? `Crate ${crate.data.code}` : 'Crate');

  useChangedElsewhere('crate', id, (event) => {
    const code = typeof event.data.code === 'string' ? event.data.code : 'This crate';
    return `${code} was updated.`;
  });

  if (!valid) {
    return <Alert color="red">Unknown crate.</Alert>;
  }
  if (crate.isLoading) {
    return <Loader role="status" aria-label="Loading the crate" />;
  }
  if (crate.isError) {
    return (
      <Alert color="red" role="alert" title="The crate could not be loaded">
        {crate.error.message}
      </Alert>
    );
  }
  const detail = crate.data;
  if (detail === undefined) {
    return null;
  }
  const actions = crateActions(me, detail);

  return (
    <Stack>
      <Anchor component={Link} to="/crates" size="sm">
        ← All crates
      </Anchor>
      <Group justify="space-between" align="flex-start">
        <div>
          <Title order={1} size="h2" ff="monospace">
            {detail.code}
          </Title>
          <Group gap="xs" mt={4} data-testid="crate-status">
            <CrateStatusBadge status={detail.status} />
            {detail.legal_hold && <LegalHoldBadge />}
            <Text size="sm" c="dimmed">
              version {detail.version}
            </Text>
          </Group>
        </div>
        <Group gap="xs" aria-label="Actions" role="group">
          {actions.printLabel && (
            <LabelPrintButton
              crates={[detail.id]}
              layout="single"
              filename={`${detail.code}.pdf`}
              label="Print label"
            />
          )}
          {actions.hold !== null && (
            <Button
              color={actions.hold.color}
              onClick={() => {
                setHold(actions.hold);
              }}
            >
              {actions.hold.label}
            </Button>
          )}
        </Group>
      </Group>

      <Grid>
        <Grid.Col span={{ base: 12, md: 6 }}>
          <Paper withBorder p="md" component="section" aria-labelledby="crate-details">
            <Title order={2} size="h4" id="crate-details" mb="sm">
              Details
            </Title>
            <SimpleGrid cols={2} spacing="sm">
              <Field label="Unit">{detail.unit_code}</Field>
              <Field label="Department">{detail.department_code}</Field>
              <Field label="Location">
                {detail.location !== null && can(me, PERMISSIONS.viewLocation) ? (
                  <Anchor
                    component={Link}
                    to={`/locations/${String(detail.location)}`}
                    ff="monospace"
                  >
                    {detail.location_code}
                  </Anchor>
                ) : (
                  (detail.location_code ??
                  (detail.status === 'ISSUED' ? 'Issued (not on a shelf)' : '—'))
                )}
              </Field>
              <Field label="Last shelf">{detail.last_location_code ?? '—'}</Field>
              <Field label="Destroy after">
                {detail.retain_permanently
                  ? 'Retain permanently'
                  : detail.destroy_after === null &&
                      detail.documents.some((doc) => retentionText(doc) === 'Pending event')
                    ? 'Pending event (a document waits for its event date)'
                    : formatDate(detail.destroy_after)}
              </Field>
              <Field label="Created">{formatDateTime(detail.created_at)}</Field>
              {detail.destroyed_at !== null && (
                <Field label="Destroyed">{formatDateTime(detail.destroyed_at)}</Field>
              )}
              <OpenRequest me={me} crate={detail} />
              <Destruction me={me} crate={detail} />
            </SimpleGrid>
            <Stack gap="sm" mt="sm">
              <Field label="Description">
                {detail.description === '' ? '—' : detail.description}
              </Field>
            </Stack>
          </Paper>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 6 }}>
          <Paper withBorder p="md" component="section" aria-labelledby="crate-hold">
            <Title order={2} size="h4" id="crate-hold" mb="sm">
              Legal hold
            </Title>
            {detail.legal_hold ? (
              <Stack gap="xs" data-testid="legal-hold">
                <Group gap="xs" wrap="nowrap" align="flex-start">
                  <Badge color="red" variant="filled">
                    On hold
                  </Badge>
                  <Text size="sm">This crate cannot be destroyed while the hold stands.</Text>
                </Group>
                <Field label="Reason">{detail.legal_hold_reason}</Field>
                <Field label="Placed by">{detail.legal_hold_by_name ?? '—'}</Field>
                <Field label="Placed at">{formatDateTime(detail.legal_hold_at)}</Field>
              </Stack>
            ) : (
              <Text data-testid="legal-hold">Not on legal hold.</Text>
            )}
          </Paper>
        </Grid.Col>
      </Grid>

      <Paper withBorder p="md" component="section" aria-labelledby="crate-documents">
        <Title order={2} size="h4" id="crate-documents" mb="sm">
          Documents ({detail.documents.length})
        </Title>
        <Table.ScrollContainer minWidth={720}>
          <Table aria-labelledby="crate-documents" striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Number</Table.Th>
                <Table.Th>Title</Table.Th>
                <Table.Th>Type</Table.Th>
                <Table.Th>Department</Table.Th>
                <Table.Th>Prepared</Table.Th>
                <Table.Th>Retain until</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Scans</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {detail.documents.map((doc) => (
                <Table.Tr key={doc.id}>
                  <Table.Td ff="monospace">{doc.number}</Table.Td>
                  <Table.Td>{doc.title}</Table.Td>
                  <Table.Td>{doc.doc_type_name}</Table.Td>
                  <Table.Td>{doc.department_code}</Table.Td>
                  <Table.Td>{formatDate(doc.prepared_on)}</Table.Td>
                  <Table.Td>{retentionText(doc)}</Table.Td>
                  <Table.Td>{humanize(doc.status)}</Table.Td>
                  <Table.Td>{doc.attachment_count}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
        {detail.documents.length === 0 && <Text c="dimmed">No documents.</Text>}
      </Paper>

      <Paper withBorder p="md" component="section" aria-labelledby="crate-history">
        <Title order={2} size="h4" id="crate-history" mb="sm">
          History
        </Title>
        <CrateHistory history={detail.history} linkRequests={can(me, PERMISSIONS.viewRequest)} />
      </Paper>

      {hold !== null && (
        <HoldDialog
          crate={detail}
          spec={hold}
          signerName={me.full_name}
          onClose={() => {
            setHold(null);
          }}
          onDone={(updated) => {
            setHold(null);
            notifications.show({
              color: 'green',
              title: 'Signed',
              message: `${updated.code}: ${updated.legal_hold ? 'legal hold placed' : 'legal hold released'}.`,
            });
          }}
        />
      )}
    </Stack>
  );
}
