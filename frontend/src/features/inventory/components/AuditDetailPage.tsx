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
import { Link, useParams, useSearchParams } from 'react-router';

import { Field } from '@/components/ui/Field';
import { ScrollTable } from '@/components/ui/ScrollTable';
import { TONES } from '@/components/ui/status-colors';
import type { Me } from '@/lib/api/types';
import { formatDateTime, formatDateTimeUtc, humanize } from '@/lib/format';
import { useDocumentTitle } from '@/lib/use-document-title';

import { countComplete, useAuditMutation } from '../api/audit-actions';
import { useAuditReportCsv, useAuditReportPdf } from '../api/audit-pdf';
import { useAudit } from '../api/get-audit';
import type { AuditAction, AuditDetail, AuditResult, AuditSignature } from '../api/types';
import { AuditStatusBadge, ResultBadge } from './audit-badges';
import {
  auditAction,
  openFindings,
  resultCounts,
  resultWord,
  shelfFromParams,
} from './audit-logic';
import { ReconcileDialog, SignAuditDialog } from './AuditDialogs';
import { ShelfScanner } from './ShelfScanner';

const NOWRAP = { whiteSpace: 'nowrap' } as const;

type Dialog = { kind: 'reconcile'; finding: AuditResult } | { kind: 'sign'; spec: AuditAction };

function SignatureStatus({ signature }: { signature: AuditSignature }) {
  if (signature.status === 'valid') {
    return <Badge {...TONES.valid}>Valid</Badge>;
  }
  return <Badge {...TONES.invalid}>Invalid — {humanize(signature.status).toLowerCase()}</Badge>;
}

function ReportButtons({ audit }: { audit: AuditDetail }) {
  const pdf = useAuditReportPdf();
  const csv = useAuditReportCsv();
  const failed = (error: Error) => {
    notifications.show({
      color: 'red',
      title: 'The report could not be made',
      message: error.message,
    });
  };
  return (
    <>
      <Button
        variant="default"
        loading={pdf.isPending}
        onClick={() => {
          const tab = window.open('', '_blank');
          pdf.mutate(
            { id: audit.id, filename: `${audit.number}-report.pdf`, tab },
            { onError: failed },
          );
        }}
      >
        Report (PDF)
      </Button>
      <Button
        variant="default"
        loading={csv.isPending}
        onClick={() => {
          csv.mutate({ id: audit.id, number: audit.number }, { onError: failed });
        }}
      >
        Report (CSV)
      </Button>
    </>
  );
}

function CountComplete({ audit }: { audit: AuditDetail }) {
  const complete = useAuditMutation(audit.id, () => countComplete(audit.id, audit.version));
  return (
    <>
      <Button
        loading={complete.isPending}
        onClick={() => {
          complete.mutate(undefined);
        }}
      >
        Complete the count
      </Button>
      {complete.isError && (
        <Alert color="red" role="alert" title="The count cannot be completed yet">
          {complete.error.message}
        </Alert>
      )}
    </>
  );
}

export function AuditDetailPage({ me }: { me: Me }) {
  const id = Number(useParams().auditId);
  const audit = useAudit(id);
  const [params, setParams] = useSearchParams();
  const [dialog, setDialog] = useState<Dialog | null>(null);
  useDocumentTitle(audit.data ? `Inventory audit ${audit.data.number}` : 'Inventory audit');

  if (!Number.isInteger(id)) {
    return <Alert color="red">Unknown inventory audit.</Alert>;
  }
  if (audit.isLoading) {
    return <Loader role="status" aria-label="Loading the audit" />;
  }
  if (audit.isError) {
    return (
      <Alert color="red" role="alert" title="The audit could not be loaded">
        {audit.error.message}
      </Alert>
    );
  }
  const detail = audit.data;
  if (detail === undefined) {
    return null;
  }
  const scanAction = auditAction(detail, 'scan');
  const reconcile = auditAction(detail, 'reconcile');
  const signActions = detail.available_actions.filter(
    (action) => action.name === 'close' || action.name === 'cancel',
  );
  const selected = shelfFromParams(params, detail);
  const shelf = detail.shelves.find((row) => row.shelf_id === selected) ?? null;
  const done = detail.shelves.filter((row) => row.done_at !== null).length;
  const open = openFindings(detail.results);
  const chooseShelf = (shelfId: number) => {
    const next = new URLSearchParams(params);
    next.set('shelf', String(shelfId));
    setParams(next, { replace: true });
  };

  return (
    <Stack>
      <Anchor component={Link} to="/inventory-audits" size="sm">
        ← All inventory audits
      </Anchor>
      <Group justify="space-between" align="flex-start">
        <div>
          <Title order={1} size="h2">
            {detail.number}
          </Title>
          <Group gap="xs" mt={4}>
            <span data-testid="audit-status">
              <AuditStatusBadge status={detail.status} />
            </span>
            <Badge variant="outline">{detail.scope_code}</Badge>
            <Text size="sm" c="dimmed">
              version {detail.version}
            </Text>
          </Group>
        </div>
        <Group gap="xs" aria-label="Actions" role="group">
          <ReportButtons audit={detail} />
          {auditAction(detail, 'count_complete') !== undefined && <CountComplete audit={detail} />}
          {signActions.map((spec) => (
            <Button
              key={spec.name}
              color={spec.name === 'close' ? 'green' : 'gray'}
              variant={spec.name === 'cancel' ? 'default' : 'filled'}
              onClick={() => {
                setDialog({ kind: 'sign', spec });
              }}
            >
              {spec.label}
            </Button>
          ))}
        </Group>
      </Group>

      {detail.status === 'CANCELLED' && (
        <Alert color="gray" title="Cancelled">
          {detail.cancel_reason}
        </Alert>
      )}
      {detail.status === 'RECONCILING' && (
        <Alert color={open.length === 0 ? 'green' : 'orange'} title="Reconciliation">
          {open.length === 0
            ? 'Every discrepancy is reconciled: the audit can be closed.'
            : `${String(open.length)} discrepancy(ies) to reconcile before the audit can be closed.`}
        </Alert>
      )}

      <Paper withBorder p="md" component="section" aria-labelledby="audit-details">
        <Title order={2} size="h4" id="audit-details" mb="sm">
          Details
        </Title>
        <SimpleGrid cols={{ base: 2, md: 4 }} spacing="sm">
          <Field label="Unit">{detail.unit_code}</Field>
          <Field label="Scope">{detail.scope_code}</Field>
          <Field label="Opened by">{detail.opened_by_name}</Field>
          <Field label="Opened">{formatDateTime(detail.opened_at)}</Field>
          <Field label="Count completed">{formatDateTime(detail.counted_at)}</Field>
          <Field label="Closed by">{detail.closed_by_name ?? '—'}</Field>
          <Field label="Closed">{formatDateTime(detail.closed_at)}</Field>
          <Field label="Results">
            {resultCounts(detail.results)
              .map(([kind, count]) => `${String(count)} ${resultWord(kind).toLowerCase()}`)
              .join(' · ') || '—'}
          </Field>
        </SimpleGrid>
        {detail.note !== '' && (
          <Stack gap="sm" mt="sm">
            <Field label="Note">{detail.note}</Field>
          </Stack>
        )}
      </Paper>

      <Paper withBorder p="md" component="section" aria-labelledby="audit-shelves">
        <Title order={2} size="h4" id="audit-shelves" mb="sm">
          Shelves
        </Title>
        <Text size="sm" data-testid="shelves-progress">
          {done} of {detail.shelves.length} shelves counted
        </Text>
        <Progress
          mt="xs"
          mb="sm"
          value={detail.shelves.length === 0 ? 0 : (done / detail.shelves.length) * 100}
          aria-label={`${String(done)} of ${String(detail.shelves.length)} shelves counted`}
        />
        <ScrollTable minWidth={560} label="Shelves of the audit">
          <Table aria-labelledby="audit-shelves">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Shelf</Table.Th>
                <Table.Th scope="col">Expected</Table.Th>
                <Table.Th scope="col">Scanned</Table.Th>
                <Table.Th scope="col">Counted</Table.Th>
                {scanAction !== undefined && <Table.Th scope="col">Count</Table.Th>}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {detail.shelves.map((row) => (
                <Table.Tr key={row.shelf_id} data-testid={`audit-shelf-${row.full_code}`}>
                  <Table.Td ff="monospace">{row.full_code}</Table.Td>
                  <Table.Td>{row.expected_count}</Table.Td>
                  <Table.Td>{row.scanned_count}</Table.Td>
                  <Table.Td style={NOWRAP}>
                    {row.done_at === null ? '—' : formatDateTime(row.done_at)}
                  </Table.Td>
                  {scanAction !== undefined && (
                    <Table.Td>
                      <Button
                        size="xs"
                        variant={row.shelf_id === selected ? 'filled' : 'light'}
                        aria-label={`Count shelf ${row.full_code}`}
                        onClick={() => {
                          chooseShelf(row.shelf_id);
                        }}
                      >
                        {row.done_at === null ? 'Count' : 'View'}
                      </Button>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollTable>
      </Paper>

      {shelf !== null && (
        <ShelfScanner
          key={shelf.shelf_id}
          audit={detail}
          shelf={shelf}
          canScan={scanAction !== undefined}
        />
      )}

      <Paper withBorder p="md" component="section" aria-labelledby="audit-results">
        <Title order={2} size="h4" id="audit-results" mb="sm">
          Results
        </Title>
        <ScrollTable minWidth={900} label="Results of the audit">
          <Table aria-labelledby="audit-results">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Crate / code</Table.Th>
                <Table.Th scope="col">Result</Table.Th>
                <Table.Th scope="col">Expected on</Table.Th>
                <Table.Th scope="col">Found on</Table.Th>
                <Table.Th scope="col">Reconciliation</Table.Th>
                {reconcile !== undefined && <Table.Th scope="col">Action</Table.Th>}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {detail.results.map((row) => (
                <Table.Tr
                  key={`${String(row.finding_id ?? '')}-${row.code}-${row.found_shelf ?? ''}`}
                  data-testid={`result-${row.code}`}
                >
                  <Table.Td ff="monospace" style={NOWRAP}>
                    {row.crate_id === null ? (
                      row.code
                    ) : (
                      <Anchor
                        component={Link}
                        to={`/crates/${String(row.crate_id)}`}
                        ff="monospace"
                      >
                        {row.code}
                      </Anchor>
                    )}
                  </Table.Td>
                  <Table.Td data-testid="result-kind">
                    <ResultBadge result={row.result} />
                  </Table.Td>
                  <Table.Td ff="monospace">{row.expected_shelf ?? '—'}</Table.Td>
                  <Table.Td ff="monospace">{row.found_shelf ?? '—'}</Table.Td>
                  <Table.Td data-testid="result-resolution">
                    {row.resolution === ''
                      ? '—'
                      : `${humanize(row.resolution)}: ${row.note} (${row.resolved_by_name ?? ''})`}
                  </Table.Td>
                  {reconcile !== undefined && (
                    <Table.Td>
                      {row.finding_id !== null &&
                        row.resolution === '' &&
                        row.allowed_actions.length > 0 && (
                          <Button
                            size="xs"
                            aria-label={`Reconcile ${row.code}`}
                            onClick={() => {
                              setDialog({ kind: 'reconcile', finding: row });
                            }}
                          >
                            Reconcile
                          </Button>
                        )}
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollTable>
        {detail.results.length === 0 && (
          <Text size="sm" c="dimmed">
            Nothing expected and nothing scanned.
          </Text>
        )}
      </Paper>

      <Paper withBorder p="md" component="section" aria-labelledby="audit-signatures">
        <Title order={2} size="h4" id="audit-signatures" mb="sm">
          Signatures
        </Title>
        <ScrollTable minWidth={760} label="Signatures">
          <Table aria-labelledby="audit-signatures">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Meaning</Table.Th>
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

      {dialog?.kind === 'reconcile' && reconcile !== undefined && (
        <ReconcileDialog
          audit={detail}
          finding={dialog.finding}
          spec={reconcile}
          signerName={me.full_name}
          onClose={() => {
            setDialog(null);
          }}
        />
      )}
      {dialog?.kind === 'sign' && (
        <SignAuditDialog
          audit={detail}
          spec={dialog.spec}
          signerName={me.full_name}
          onClose={() => {
            setDialog(null);
          }}
        />
      )}
    </Stack>
  );
}
