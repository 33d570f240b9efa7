import { ActionIcon, Anchor, Button, Group, Indicator, Popover, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router';

import { formatDateTime } from '@/lib/format';

import { useNotifications } from '../api/get-notifications';
import { useMarkRead } from '../api/mark-read';

function BellIcon() {
  return (
    <svg
      width="20"
      height="20"
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      aria-hidden="true"
    >
      <path d="M6 8a6 6 0 1 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
      <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
    </svg>
  );
}

/** The bell (live through the `notification` topic); hidden if the backend has no endpoint. */
export function NotificationsBell() {
  const notifications = useNotifications();
  const markRead = useMarkRead();
  const [opened, setOpened] = useState(false);
  const items = notifications.data;
  if (items === null || items === undefined) {
    return null;
  }
  const unread = items.filter((item) => item.read_at === null);
  return (
    // The indicator wraps the whole popover: the target's aria-expanded belongs on the button,
    // not on the indicator's div (where ARIA does not allow it).
    <Indicator label={unread.length} size={16} disabled={unread.length === 0}>
      <Popover position="bottom-end" width={360} shadow="md" opened={opened} onChange={setOpened}>
        <Popover.Target>
          <ActionIcon
            variant="subtle"
            aria-label={`Notifications, ${String(unread.length)} unread`}
            onClick={() => {
              setOpened((value) => !value);
            }}
          >
            <BellIcon />
          </ActionIcon>
        </Popover.Target>
        <Popover.Dropdown>
          <Stack gap="xs">
            <Group justify="space-between">
              <Text fw={700}>Notifications</Text>
              {unread.length > 0 && (
                <Button
                  size="compact-xs"
                  variant="subtle"
                  loading={markRead.isPending}
                  onClick={() => {
                    markRead.mutate(undefined);
                  }}
                >
                  Mark all read
                </Button>
              )}
            </Group>
            {items.length === 0 && <Text size="sm">No notifications.</Text>}
            {items.map((item) => (
              <div key={item.id}>
                {item.link === '' ? (
                  <Text size="sm" fw={item.read_at === null ? 700 : 400}>
                    {item.title}
                  </Text>
                ) : (
                  <Anchor
                    component={Link}
                    to={item.link}
                    size="sm"
                    fw={item.read_at === null ? 700 : 400}
                    onClick={() => {
                      setOpened(false);
                      if (item.read_at === null) {
                        markRead.mutate([item.id]);
                      }
                    }}
                  >
                    {item.title}
                  </Anchor>
                )}
                {item.body !== '' && (
                  <Text size="xs" lineClamp={2}>
                    {item.body}
                  </Text>
                )}
                <Text size="xs" c="dimmed">
                  {formatDateTime(item.created_at)}
                </Text>
              </div>
            ))}
          </Stack>
        </Popover.Dropdown>
      </Popover>
    </Indicator>
  );
}
