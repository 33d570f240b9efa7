import { Alert, Button, CopyButton, List, Stack, Text } from '@mantine/core';

/** Recovery codes, shown once: each signs in once when the authenticator is lost. */
export function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  return (
    <Stack>
      <Alert color="yellow" title="Save your recovery codes" role="status">
        They are shown this once. Each one signs you in once if you lose your authenticator; keep
        them somewhere safe, away from your phone.
      </Alert>
      <List aria-label="Recovery codes" ff="monospace" spacing={2}>
        {codes.map((code) => (
          <List.Item key={code}>{code}</List.Item>
        ))}
      </List>
      <CopyButton value={codes.join('\n')}>
        {({ copied, copy }) => (
          <Button variant="default" onClick={copy}>
            {copied ? 'Copied' : 'Copy the codes'}
          </Button>
        )}
      </CopyButton>
      <Text size="sm" c="dimmed">
        You can replace them at any time from your account page.
      </Text>
      <Button onClick={onDone}>I have saved my recovery codes</Button>
    </Stack>
  );
}
