import { Alert, Button, Text } from '@mantine/core';

import { isStale } from './stale';

/**
 * "Changed by someone else": the version read is out of date. What was typed stays; reloading
 * shows the current version, which the next attempt sends.
 */
export function StaleNotice({
  error,
  changed = false,
  onReload,
  reloading,
}: {
  error: unknown;
  /** A live event already told that the rule changed since it was read (before any refusal). */
  changed?: boolean;
  onReload: () => void;
  reloading: boolean;
}) {
  if (!isStale(error) && !changed) {
    return null;
  }
  return (
    <Alert color="orange" title="Changed by someone else" role="alert" data-testid="stale-notice">
      <Text size="sm" mb="xs">
        This rule was changed since you opened it.{' '}
        {isStale(error) ? 'Nothing was saved' : 'Sending now would be refused'}; what you typed is
        kept. Reload it to see the current version, then try again.
      </Text>
      <Button size="xs" variant="light" color="orange" onClick={onReload} loading={reloading}>
        Reload the rule
      </Button>
    </Alert>
  );
}
