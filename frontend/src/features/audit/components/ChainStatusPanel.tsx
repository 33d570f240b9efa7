import { Alert, Badge, Button, Group, Paper, Stack, Text, Title } from '@mantine/core';

import { formatDateTime } from '@/lib/format';

import { useLastVerification, useVerifyChain } from '../api/verify-chain';

function recordedResult(changes: unknown): { intact: boolean | null; checked: number | null } {
  const pairs = (typeof changes === 'object' && changes !== null ? changes : {}) as Record<
    string,
    unknown
  >;
  const after = (key: string): unknown => {
    const pair = pairs[key];
    return Array.isArray(pair) ? pair[1] : undefined;
  };
  const intact = after('intact');
  const checked = after('checked');
  return {
    intact: typeof intact === 'boolean' ? intact : null,
    checked: typeof checked === 'number' ? checked : null,
  };
}

function sentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * The hash chain's state: the last recorded verification (from the trail itself) and a button
 * that recomputes every hash and link and checks every signed checkpoint now. Only for roles
 * allowed to verify the chain.
 */
export function ChainStatusPanel() {
  const last = useLastVerification(true);
  const verify = useVerifyChain();
  const report = verify.data;
  const recorded = last.data ?? null;
  const result = recorded === null ? null : recordedResult(recorded.changes);
  const intact = report?.intact ?? result?.intact ?? null;
  const checked = report?.checked ?? result?.checked ?? null;

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="chain-status">
      <Group justify="space-between" align="flex-start" wrap="wrap">
        <Stack gap={4}>
          <Title order={2} size="h4" id="chain-status">
            Chain status
          </Title>
          <Group gap="xs" aria-live="polite" data-testid="chain-status">
            {intact === null ? (
              <Badge color="gray" variant="light">
                Not verified yet
              </Badge>
            ) : intact ? (
              <Badge color="green" size="lg">
                Valid
              </Badge>
            ) : (
              <Badge color="red" size="lg">
                Broken
              </Badge>
            )}
            {checked !== null && (
              <Text size="sm" data-testid="chain-checked">
                {checked.toLocaleString('en-GB')} events checked
              </Text>
            )}
          </Group>
          <Text size="sm" c="dimmed">
            Last verified:{' '}
            {recorded === null
              ? 'never through this screen'
              : `${formatDateTime(recorded.at)} by ${recorded.actor_username ?? '—'}`}
          </Text>
          {report !== undefined && (
            <Text size="sm" c="dimmed" data-testid="chain-checkpoints">
              {report.checkpoints_checked.toLocaleString('en-GB')} signed checkpoint
              {report.checkpoints_checked === 1 ? '' : 's'} verified
            </Text>
          )}
          {report !== undefined && !report.intact && (
            <Alert color="red" role="alert" title="The audit chain is broken">
              {report.first_broken_id !== null
                ? `At event ${String(report.first_broken_id)}: ${report.problem}. Events before it are intact.`
                : `${sentence(report.problem)}.`}{' '}
              Investigate before the next inspection.
            </Alert>
          )}
        </Stack>
        <Button
          variant="default"
          loading={verify.isPending}
          onClick={() => {
            verify.mutate();
          }}
        >
          Verify now
        </Button>
      </Group>
      {verify.isError && (
        <Alert color="red" role="alert" mt="sm">
          {verify.error.message}
        </Alert>
      )}
    </Paper>
  );
}
