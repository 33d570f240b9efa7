import { Alert, Anchor, Group, List, Text } from '@mantine/core';
import { Link } from 'react-router';

import { formatDate } from '@/lib/format';

import type { RuleApproved } from '../api/change-rule';

function count(n: number, one: string, many: string): string {
  return `${n.toLocaleString('en-GB')} ${n === 1 ? one : many}`;
}

/** What the server did on approval: documents recomputed, eligibility changes, crates. */
export function ApprovalResult({
  result,
  linkCrates,
  onClose,
}: {
  result: RuleApproved;
  linkCrates: boolean;
  onClose: () => void;
}) {
  const { rule, recomputed } = result;
  const left = recomputed.crates_left_eligibility;
  return (
    <Alert
      color="green"
      title={`Approved: ${rule.code} version ${String(rule.revision)} governs from ${formatDate(rule.effective_from)}`}
      withCloseButton
      closeButtonLabel="Dismiss"
      onClose={onClose}
      data-testid="approval-result"
    >
      <List size="sm" spacing={2}>
        <List.Item>{count(recomputed.documents, 'document', 'documents')} recomputed</List.Item>
        <List.Item>
          {count(recomputed.eligibility_changed, 'document', 'documents')} changed eligibility for
          destruction today
        </List.Item>
        <List.Item>{count(recomputed.crates, 'crate', 'crates')} refreshed</List.Item>
        <List.Item>
          {left.length === 0
            ? 'No crate left eligibility for destruction'
            : `${count(left.length, 'crate', 'crates')} no longer eligible for destruction (dropped from any destruction batch)`}
        </List.Item>
      </List>
      {left.length > 0 && linkCrates && (
        <Group gap="xs" mt="xs">
          <Text size="sm">Crates:</Text>
          {left.slice(0, 20).map((id) => (
            <Anchor key={id} component={Link} to={`/crates/${String(id)}`} size="sm">
              #{id}
            </Anchor>
          ))}
          {left.length > 20 && <Text size="sm">…</Text>}
        </Group>
      )}
    </Alert>
  );
}
