import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  Loader,
  Paper,
  Progress,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { Link, useParams } from 'react-router';

import { Field } from '@/components/ui/Field';
import { ScrollTable } from '@/components/ui/ScrollTable';
import { TONES } from '@/components/ui/status-colors';
import type { Me } from '@/lib/api/types';
import { formatDateTime, formatDateTimeUtc, humanize } from '@/lib/format';
import { useChangedElsewhere } from '@/lib/realtime/use-changed-elsewhere';
import { useDocumentTitle } from '@/lib/use-document-title';

import { useBatchPdf, type BatchPdf } from '../api/batch-pdfs';
import { useRemoveBatchItems } from '../api/edit-batch-items';
import { useBatch } from '../api/get-batch';
import type { BatchAction, BatchDetail, BatchItem, BatchSignature } from '../api/types';
import {
  actionColor,
  actionVariant,
  handledCount,
  isStale,
  itemAction,
  place,
  transitionActions,
} from './batch-actions';
import { BatchStatusBadge, ItemStateBadge } from './batch-badges';
import { AddCratesPanel } from './AddCratesPanel';
import { BatchTransitionDialog, DestroyItemDialog, NotFoundDialog } from './BatchDialogs';

const NOWRAP = { whiteSpace: 'nowrap' } as const;

type Dialog =
  | { kind: 'transition'; spec: BatchAction }
  | { kind: 'destroy'; item: BatchItem }
  | { kind: 'not-found'; item: BatchItem };

/** Opens the pick-list in a tab (to print it) or saves the certificate (a record to keep). */
function PdfButton({ batch, kind }: { batch: BatchDetail; kind: BatchPdf }) {
  const pdf = useBatchPdf();
  const label = kind === 'pick-list' ? 'Pick-list (PDF)' : 'Certificate (PDF)';
  return (
    <Button
      variant="default"
      loading={pdf.isPending}
      onClick={() => {
        // The pick-list opens in a tab the click itself opened (pop-up blockers allow it); the
        // certificate downloads under its name.
        const tab = kind === 'pick-list' ? window.open('', '_blank') : null;
        pdf.mutate(
          { id: batch.id, kind, filename: `${batch.number}-${kind}.pdf`, tab },
          {
            onError: (error) => {
              notifications.show({
                color: 'red',
                title: `The ${kind === 'pick-list' ? 'pick-list' : 'certificate'} could not be made`,
                message: error.message,
              });
            },
          },
        );
      }}
    >
      {label}
    </Button>
  );
}

function person(value: { full_name: string; username: string } | null): string {
  return value === null ? '—' : value.full_name || value.username;
}

/** What became of the crate, in words: the reason it left the batch, or who destroyed it. */
function outcome(item: BatchItem): string {
  if (item.state === 'DROPPED' || item.state === 'NOT_FOUND') {
    return item.reason;
  }
  return '';
}

function SignatureStatus({ signature }: { signature: BatchSignature }) {
  if (signature.status === 'valid') {
    return <Badge {...TONES.valid}>Valid</Badge>;
  }
  if (signature.status === 'superseded') {
    return <Badge {...TONES.superseded}>Superseded</Badge>;
  }
  return <Badge {...TONES.invalid}>Invalid — {humanize(signature.status).toLowerCase()}</Badge>;
}

export function BatchDetailPage({ me }: { me: Me }) {
  const id = Number(useParams().batchId);
  const batch = useBatch(id);
  const remove = useRemoveBatchItems(id);
  const [dialog, setDialog] = useState<Dialog | null>(null);
  useDocumentTitle(batch.data ? `Destruction batch ${batch.data.number}` : 'Destruction batch');

  useChangedElsewhere('batch', id, (event) => {
    const status = typeof event.data.status === 'string' ? humanize(event.data.status) : null;
    const number = typeof event.data.number === 'string' ? event.data.number : 'This batch';
    return status === null ? `${number} was updated.` : `${number} is ${status.toLowerCase()}.`;
  });

  if (!Number.isInteger(id)) {
    return <Alert color="red">Unknown destruction batch.</Alert>;
  }
  if (batch.isLoading) {
    return <Loader role="status" aria-label="Loading the batch" />;
  }
  if (batch.isError) {
    return (
      <Alert color="red" role="alert" title="The batch could not be loaded">
        {batch.error.message}
      </Alert>
    );
  }
  const detail = batch.data;
  if (detail === undefined) {
    return null;
  }
  const transitions = transitionActions(detail);
  const destroy = itemAction(detail, 'destroy_item');
  const notFound = itemAction(detail, 'mark_not_found');
  // A DRAFT's crates are edited by its preparers (the API offers `edit_items`).
  const editItems = detail.available_actions.some((action) => action.name === 'edit_items');
  const handled = handledCount(detail.items);
  const total = detail.items.length;
  const crateCodes = new Map(detail.items.map((item) => [String(item.id), item.crate_code]));

  return (
    <Stack>
      <Anchor component={Link} to="/destruction-batches" size="sm">
        ← All destruction batches
      </Anchor>
      <Group justify="space-between" align="flex-start">
        <div>
          <Title order={1} size="h2">
            {detail.number}
          </Title>
          <Group gap="xs" mt={4}>
            <span data-testid="batch-status">
              <BatchStatusBadge status={detail.status} />
            </span>
            <Badge variant="outline">{detail.unit_code}</Badge>
            <Text size="sm" c="dimmed">
              version {detail.version}
            </Text>
          </Group>
        </div>
        <Group gap="xs" aria-label="Actions" role="group">
          <PdfButton batch={detail} kind="pick-list" />
          {detail.status === 'COMPLETED' && <PdfButton batch={detail} kind="certificate" />}
          {transitions.map((spec) => (
            <Button
              key={spec.name}
              color={actionColor(spec)}
              variant={actionVariant(spec)}
              onClick={() => {
                setDialog({ kind: 'transition', spec });
              }}
            >
              {spec.label}
            </Button>
          ))}
        </Group>
      </Group>

      {detail.status === 'DRAFT' && detail.send_back_reason !== '' && (
        <Alert color="orange" title="Sent back">
          {detail.send_back_reason}
        </Alert>
      )}
      {detail.status === 'CANCELLED' && (
        <Alert color="gray" title="Cancelled">
          {detail.cancel_reason}
        </Alert>
      )}

      <Paper withBorder p="md" component="section" aria-labelledby="batch-details">
        <Title order={2} size="h4" id="batch-details" mb="sm">
          Details
        </Title>
        <SimpleGrid cols={{ base: 2, md: 4 }} spacing="sm">
          <Field label="Unit">{detail.unit_code}</Field>
          <Field label="Prepared by">{detail.prepared_by_name}</Field>
          <Field label="Created">{formatDateTime(detail.created_at)}</Field>
          <Field label="Submitted">{formatDateTime(detail.submitted_at)}</Field>
          <Field label="Approved by">{detail.approved_by_name ?? '—'}</Field>
          <Field label="Approved">{formatDateTime(detail.approved_at)}</Field>
          <Field label="Completed by">{detail.completed_by_name ?? '—'}</Field>
          <Field label="Completed">{formatDateTime(detail.completed_at)}</Field>
        </SimpleGrid>
        {detail.note !== '' && (
          <Stack gap="sm" mt="sm">
            <Field label="Note">{detail.note}</Field>
          </Stack>
        )}
      </Paper>

      <Paper withBorder p="md" component="section" aria-labelledby="batch-progress">
        <Title order={2} size="h4" id="batch-progress" mb="sm">
          Progress
        </Title>
        <Text size="sm" data-testid="batch-progress-text">
          {handled} of {total} crates handled · {detail.destroyed_count} destroyed ·{' '}
          {detail.not_found_count} not found · {detail.dropped_count} dropped
        </Text>
        <Progress
          mt="xs"
          value={total === 0 ? 0 : (handled / total) * 100}
          aria-label={`${String(handled)} of ${String(total)} crates handled`}
        />
      </Paper>

      <Paper withBorder p="md" component="section" aria-labelledby="batch-items">
        <Title order={2} size="h4" id="batch-items" mb="sm">
          Crates, in pick-list order
        </Title>
        {remove.isError && (
          <Alert color="red" role="alert" title="No crate was taken out" mb="sm">
            {isStale(remove.error)
              ? 'The batch was changed by someone else; it has been reloaded. Try again.'
              : remove.error.message}
          </Alert>
        )}
        <ScrollTable minWidth={900} label="Crates of the batch">
          <Table aria-labelledby="batch-items">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Room / rack / shelf</Table.Th>
                <Table.Th scope="col">Crate</Table.Th>
                <Table.Th scope="col">Documents</Table.Th>
                <Table.Th scope="col">State</Table.Th>
                <Table.Th scope="col">Reason</Table.Th>
                <Table.Th scope="col">Destroyed</Table.Th>
                <Table.Th scope="col">Witness</Table.Th>
                {(destroy !== undefined || notFound !== undefined || editItems) && (
                  <Table.Th scope="col">Actions</Table.Th>
                )}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {detail.items.map((item) => (
                <Table.Tr key={item.id} data-testid={`batch-item-${item.crate_code}`}>
                  <Table.Td ff="monospace" style={NOWRAP}>
                    {place(item)}
                  </Table.Td>
                  <Table.Td>
                    <Anchor
                      component={Link}
                      to={`/crates/${String(item.crate)}`}
                      ff="monospace"
                      fw={600}
                      style={NOWRAP}
                      className="crate-code"
                    >
                      {item.crate_code}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{item.document_count}</Table.Td>
                  <Table.Td data-testid="item-state">
                    <ItemStateBadge state={item.state} />
                  </Table.Td>
                  <Table.Td data-testid="item-reason">{outcome(item)}</Table.Td>
                  <Table.Td>
                    {item.destroyed_at === null ? (
                      '—'
                    ) : (
                      <>
                        <Text size="sm" style={NOWRAP}>
                          {formatDateTime(item.destroyed_at)}
                        </Text>
                        <Text size="sm">by {person(item.destroyed_by)}</Text>
                      </>
                    )}
                  </Table.Td>
                  <Table.Td>{person(item.witness)}</Table.Td>
                  {editItems && (
                    <Table.Td>
                      <Button
                        size="xs"
                        variant="default"
                        aria-label={`Remove ${item.crate_code}`}
                        loading={remove.isPending && remove.variables.items.includes(item.id)}
                        onClick={() => {
                          remove.mutate({ version: detail.version, items: [item.id] });
                        }}
                      >
                        Remove
                      </Button>
                    </Table.Td>
                  )}
                  {(destroy !== undefined || notFound !== undefined) && (
                    <Table.Td>
                      {item.state === 'PENDING' && (
                        <Group gap={4} wrap="nowrap">
                          {destroy !== undefined && (
                            <Button
                              size="xs"
                              color="red"
                              aria-label={`Destroy ${item.crate_code}`}
                              onClick={() => {
                                setDialog({ kind: 'destroy', item });
                              }}
                            >
                              Destroy
                            </Button>
                          )}
                          {notFound !== undefined && (
                            <Button
                              size="xs"
                              variant="default"
                              aria-label={`${item.crate_code} not found`}
                              onClick={() => {
                                setDialog({ kind: 'not-found', item });
                              }}
                            >
                              Not found
                            </Button>
                          )}
                        </Group>
                      )}
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollTable>
      </Paper>

      {editItems && <AddCratesPanel batch={detail} />}

      <Paper withBorder p="md" component="section" aria-labelledby="batch-signatures">
        <Title order={2} size="h4" id="batch-signatures" mb="sm">
          Signatures
        </Title>
        <ScrollTable minWidth={760} label="Signatures">
          <Table aria-labelledby="batch-signatures">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Meaning</Table.Th>
                <Table.Th scope="col">Of</Table.Th>
                <Table.Th scope="col">Printed name</Table.Th>
                <Table.Th scope="col">Signed at</Table.Th>
                <Table.Th scope="col">Reason</Table.Th>
                <Table.Th scope="col">Valid</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {detail.signatures.map((signature) => (
                <Table.Tr key={signature.id}>
                  <Table.Td>{signature.meaning_display}</Table.Td>
                  <Table.Td>
                    {signature.object_type === 'batch_item' ? (
                      <span className="crate-code" style={{ fontFamily: 'monospace' }}>
                        {crateCodes.get(signature.object_id) ?? 'a crate'}
                      </span>
                    ) : (
                      'the batch'
                    )}
                  </Table.Td>
                  <Table.Td>{signature.printed_name}</Table.Td>
                  <Table.Td style={NOWRAP}>
                    <time dateTime={signature.signed_at}>
                      {formatDateTimeUtc(signature.signed_at)}
                    </time>
                  </Table.Td>
                  <Table.Td>{signature.reason}</Table.Td>
                  <Table.Td>
                    <SignatureStatus signature={signature} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollTable>
      </Paper>

      {dialog?.kind === 'transition' && (
        <BatchTransitionDialog
          batch={detail}
          spec={dialog.spec}
          signerName={me.full_name}
          onClose={() => {
            setDialog(null);
          }}
        />
      )}
      {dialog?.kind === 'destroy' && destroy !== undefined && (
        <DestroyItemDialog
          batch={detail}
          item={dialog.item}
          spec={destroy}
          signerName={me.full_name}
          onClose={() => {
            setDialog(null);
          }}
        />
      )}
      {dialog?.kind === 'not-found' && (
        <NotFoundDialog
          batch={detail}
          item={dialog.item}
          onClose={() => {
            setDialog(null);
          }}
        />
      )}
    </Stack>
  );
}
