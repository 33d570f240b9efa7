import { AppShell, Burger, Button, Group, Loader, Menu, NavLink, Text } from '@mantine/core';
import { Fragment, Suspense } from 'react';
import { useDisclosure } from '@mantine/hooks';
import { NavLink as RouterNavLink, Outlet, useLocation } from 'react-router';

import { useLogout } from '@/features/auth/api/logout';
import { NotificationsBell } from '@/features/notifications/components/NotificationsBell';
import { ConnectionIndicator } from '@/components/ui/ConnectionIndicator';
import type { Me } from '@/lib/api/types';

import { activeNavItem, navItemsFor } from './nav-items';

export function AppLayout({ me }: { me: Me }) {
  const [opened, { toggle, close }] = useDisclosure();
  const logout = useLogout();
  const location = useLocation();
  const items = navItemsFor(me);
  const active = activeNavItem(items, location.pathname);

  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 220, breakpoint: 'md', collapsed: { mobile: !opened } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom="md"
              size="sm"
              aria-label="Toggle navigation"
            />
            <img src="/favicon.svg" alt="" width={28} height={28} />
            <Text fw={700} size="lg">
              Strongroom
            </Text>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <ConnectionIndicator />
            <NotificationsBell />
            <Menu position="bottom-end">
              <Menu.Target>
                <Button variant="subtle" aria-label={`Account: ${me.full_name}`}>
                  {me.full_name}
                </Button>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Label>
                  {me.username} · {me.role ?? 'no role'}
                </Menu.Label>
                <Menu.Item component={RouterNavLink} to="/account">
                  Your account
                </Menu.Item>
                <Menu.Item
                  onClick={() => {
                    logout.mutate(null);
                  }}
                >
                  Sign out
                </Menu.Item>
              </Menu.Dropdown>
            </Menu>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Main navigation" component="nav">
        {items.map((item, index) => (
          <Fragment key={item.to}>
            {item.group !== undefined && item.group !== items[index - 1]?.group && (
              <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="sm" pt="sm" pb={4}>
                {item.group}
              </Text>
            )}
            <NavLink
              component={RouterNavLink}
              to={item.to}
              // aria-current only on the exact page: a prefix match would also mark "Requests"
              // on a wizard (activeNavItem decides what is highlighted).
              end
              // A filtered list (to="…?status=DRAFT") shares its path with the list: only the
              // list's own item is the current page.
              {...(item.to.includes('?') ? { 'aria-current': 'false' as const } : {})}
              label={item.label}
              active={item === active}
              onClick={close}
            />
          </Fragment>
        ))}
      </AppShell.Navbar>
      <AppShell.Main>
        <Suspense fallback={<Loader role="status" aria-label="Loading the page" />}>
          <Outlet />
        </Suspense>
      </AppShell.Main>
    </AppShell>
  );
}
