import { Alert, Button, Code, CopyButton, Group, Stack, Text } from '@mantine/core';

/**
 * The one-time password, shown exactly once: it is not kept in any cache, and closing this
 * panel forgets it. No password ever goes out by e-mail.
 */
export function OneTimePasswordPanel({
  username,
  password,
  onDone,
}: {
  username: string;
  password: string;
  onDone: () => void;
}) {
  return (
    <Stack>
      <Alert color="yellow" title="Shown only this once" role="note">
        Give this one-time password to <strong>{username}</strong> in person or by another safe
        channel. They must change it at their first sign-in. It cannot be shown again: if it is
        lost, reset the password.
      </Alert>
      <div>
        <Text size="sm" fw={600} id="one-time-password-label">
          One-time password for {username}
        </Text>
        <Group gap="sm" wrap="nowrap">
          <Code
            block
            fz="lg"
            aria-labelledby="one-time-password-label"
            data-testid="one-time-password"
            style={{ flex: 1, userSelect: 'all' }}
          >
            {password}
          </Code>
          <CopyButton value={password}>
            {({ copied, copy }) => (
              <Button variant="default" onClick={copy}>
                {copied ? 'Copied' : 'Copy'}
              </Button>
            )}
          </CopyButton>
        </Group>
      </div>
      <Group justify="flex-end">
        <Button onClick={onDone} data-autofocus>
          Done, I have passed it on
        </Button>
      </Group>
    </Stack>
  );
}
