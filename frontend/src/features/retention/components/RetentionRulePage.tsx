import {
  Alert,
  Anchor,
  Button,
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

import { Field } from '@/components/ui/Field';
import { ScrollTable } from '@/components/ui/ScrollTable';
import type { Me, RetentionRule } from '@/lib/api/types';
import { PERMISSIONS, can } from '@/lib/auth/permissions';
import { formatDate, formatDateTime, humanize } from '@/lib/format';
import { useChangedElsewhere } from '@/lib/realtime/use-changed-elsewhere';
import { useDocumentTitle } from '@/lib/use-document-title';

import type { RuleApproved } from '../api/change-rule';
import { useRule, useRuleVersions } from '../api/get-rules';
import { ApprovalResult } from './ApprovalResult';
import { RuleApproveDialog } from './RuleApproveDialog';
import { RuleDiscardDialog } from './RuleDiscardDialog';
import { RuleStatusBadge } from './RuleStatusBadge';
import { RuleSummary } from './RuleSummary';
import { ruleActions } from './rule-actions';

const NOWRAP = { whiteSpace: 'nowrap' } as const;

function Versions({ rule, versions }: { rule: RetentionRule; versions: RetentionRule[] }) {
  return (
    <ScrollTable minWidth={820} label="Versions">
      <Table aria-label="Versions" striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Version</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Drafted</Table.Th>
            <Table.Th>Approved</Table.Th>
            <Table.Th>Effective</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {versions.map((version) => (
            <Table.Tr key={version.id} data-testid={`version-${String(version.revision)}`}>
              <Table.Td style={NOWRAP}>
                {version.id === rule.id ? (
                  <Text fw={700} size="sm" aria-current="page">
                    v{version.revision} (shown)
                  </Text>
                ) : (
                  <Anchor component={Link} to={`/retention/rules/${String(version.id)}`} size="sm">
                    v{version.revision}
                  </Anchor>
                )}
              </Table.Td>
              <Table.Td>
                <RuleStatusBadge status={version.status} />
              </Table.Td>
              <Table.Td>
                <Text size="sm">{version.drafted_by_name ?? 'Initial setup'}</Text>
                <Text size="xs" c="dimmed" style={NOWRAP}>
                  {formatDateTime(version.drafted_at)}
                </Text>
              </Table.Td>
              <Table.Td>
                {version.approved_at === null ? (
                  '—'
                ) : (
                  <>
                    <Text size="sm">{version.approved_by_name ?? 'Initial setup'}</Text>
                    <Text size="xs" c="dimmed" style={NOWRAP}>
                      {formatDateTime(version.approved_at)}
                    </Text>
                  </>
                )}
              </Table.Td>
              <Table.Td style={NOWRAP}>
                {version.effective_from === null
                  ? '—'
                  : `${formatDate(version.effective_from)}${
                      version.superseded_at === null
                        ? ''
                        : ` to ${formatDate(version.superseded_at.slice(0, 10))}`
                    }`}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </ScrollTable>
  );
}

/** One rule version: its content, its versions, and what the caller may do with it. */
export function RetentionRulePage({ me }: { me: Me }) {
  const id = Number(useParams().ruleId);
  const valid = Number.isInteger(id) && id > 0;
  const rule = useRule(valid ? id : 0, valid);
  const versions = useRuleVersions(rule.data?.code);
  const [dialog, setDialog] = useState<'approve' | 'discard' | null>(null);
  const [approved, setApproved] = useState<RuleApproved | null>(null);
  useDocumentTitle(
    rule.data ? `Rule ${rule.data.code} v${String(rule.data.revision)}` : 'Retention rule',
  );
  // The live stream refreshes the rule and its versions; this says who changed what.
  useChangedElsewhere('rule', id, (event) => {
    const code = typeof event.data.code === 'string' ? event.data.code : 'This rule';
    const revision =
      typeof event.data.revision === 'number' ? ` version ${String(event.data.revision)}` : '';
    const status = typeof event.data.status === 'string' ? humanize(event.data.status) : null;
    return status === null
      ? `${code}${revision} was updated.`
      : `${code}${revision} is ${status.toLowerCase()}.`;
  });

  if (!valid) {
    return <Alert color="red">Unknown rule.</Alert>;
  }
  if (rule.isLoading) {
    return <Loader role="status" aria-label="Loading the rule" />;
  }
  if (rule.isError) {
    return (
      <Alert color="red" role="alert" title="The rule could not be loaded">
        {rule.error.message}
      </Alert>
    );
  }
  const detail = rule.data;
  if (detail === undefined) {
    return null;
  }
  const allVersions = versions.data ?? [detail];
  const actions = ruleActions(me, detail, allVersions);
  const current = allVersions.find((v) => v.status === 'APPROVED' && v.id !== detail.id) ?? null;
  const reload = async () => {
    void versions.refetch();
    return (await rule.refetch()).data;
  };

  return (
    <Stack>
      <Anchor component={Link} to="/retention/rules" size="sm">
        ← Retention schedule
      </Anchor>
      <Group justify="space-between" align="flex-start">
        <div>
          <Title order={1} size="h2">
            <span style={{ fontFamily: 'monospace' }}>{detail.code}</span> · {detail.title}
          </Title>
          <Group gap="xs" mt={4} data-testid="rule-status">
            <RuleStatusBadge status={detail.status} />
            <Text size="sm" c="dimmed">
              version {detail.revision}
            </Text>
          </Group>
        </div>
        <Group gap="xs" aria-label="Actions" role="group">
          {actions.edit !== null && (
            <Button
              component={Link}
              to={`/retention/rules/${String(detail.id)}/edit`}
              variant={actions.edit === 'draft' ? 'filled' : 'default'}
            >
              {actions.edit === 'draft' ? 'Edit draft' : 'Edit (new version)'}
            </Button>
          )}
          {actions.approve && (
            <Button
              color="green"
              onClick={() => {
                setDialog('approve');
              }}
            >
              Approve
            </Button>
          )}
          {actions.discard && (
            <Button
              color="red"
              variant="light"
              onClick={() => {
                setDialog('discard');
              }}
            >
              Discard draft
            </Button>
          )}
        </Group>
      </Group>

      {approved !== null && (
        <ApprovalResult
          result={approved}
          linkCrates={can(me, PERMISSIONS.viewCrate)}
          onClose={() => {
            setApproved(null);
          }}
        />
      )}
      {actions.openDraft !== null && (
        <Text size="sm" data-testid="open-draft">
          Version {actions.openDraft.revision} is being drafted:{' '}
          <Anchor component={Link} to={`/retention/rules/${String(actions.openDraft.id)}`}>
            open draft version {actions.openDraft.revision}
          </Anchor>
          .
        </Text>
      )}
      {actions.approveRefusal !== null && (
        <Alert color="gray" title="Approval" data-testid="approve-refusal">
          {actions.approveRefusal}
        </Alert>
      )}
      {detail.status === 'DRAFT' && current !== null && (
        <Text size="sm">
          Version {current.revision} governs until this draft is approved:{' '}
          <Anchor component={Link} to={`/retention/rules/${String(current.id)}`}>
            see version {current.revision}
          </Anchor>
          .
        </Text>
      )}
      {(detail.status === 'SUPERSEDED' || detail.status === 'DISCARDED') && current !== null && (
        <Text size="sm">
          This version no longer governs.{' '}
          <Anchor component={Link} to={`/retention/rules/${String(current.id)}`}>
            Version {current.revision} is the approved one
          </Anchor>
          .
        </Text>
      )}

      <Paper withBorder p="md" component="section" aria-labelledby="rule-content">
        <Title order={2} size="h4" id="rule-content" mb="sm">
          Rule
        </Title>
        <RuleSummary rule={detail} />
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm" mt="sm">
          <Field label="Drafted">
            {detail.drafted_by_name ?? 'Initial setup'}, {formatDateTime(detail.drafted_at)}
          </Field>
          <Field label="Approved">
            {detail.approved_at === null
              ? 'Not yet'
              : `${detail.approved_by_name ?? 'Initial setup'}, ${formatDateTime(detail.approved_at)}`}
          </Field>
        </SimpleGrid>
      </Paper>

      <Paper withBorder p="md" component="section" aria-labelledby="rule-versions">
        <Title order={2} size="h4" id="rule-versions" mb="sm">
          Versions
        </Title>
        {versions.isError ? (
          <Alert color="red" role="alert">
            {versions.error.message}
          </Alert>
        ) : (
          <Versions rule={detail} versions={allVersions} />
        )}
      </Paper>

      {dialog === 'approve' && (
        <RuleApproveDialog
          rule={detail}
          supersedes={current}
          signerName={me.full_name}
          reloading={rule.isFetching}
          onReload={reload}
          onClose={() => {
            setDialog(null);
          }}
          onDone={(result) => {
            setDialog(null);
            setApproved(result);
            notifications.show({
              color: 'green',
              title: 'Signed',
              message: `${result.rule.code} version ${String(result.rule.revision)} approved.`,
            });
          }}
        />
      )}
      {dialog === 'discard' && (
        <RuleDiscardDialog
          rule={detail}
          reloading={rule.isFetching}
          onReload={() => {
            void reload();
          }}
          onClose={() => {
            setDialog(null);
          }}
          onDone={(discarded) => {
            setDialog(null);
            notifications.show({
              color: 'gray',
              title: 'Draft discarded',
              message: `${discarded.code} version ${String(discarded.revision)} was discarded.`,
            });
          }}
        />
      )}
    </Stack>
  );
}
