import { Stack, Tabs, Title } from '@mantine/core';
import { useLocation, useNavigate } from 'react-router';

import type { Me } from '@/lib/api/types';
import { PERMISSIONS, can } from '@/lib/auth/permissions';
import { useDocumentTitle } from '@/lib/use-document-title';

import { DepartmentsPage } from './DepartmentsPage';
import { DirectoryGroupsPage } from './DirectoryGroupsPage';
import { UnitsPage } from './UnitsPage';
import { UsersPage } from './UsersPage';

const TABS = [
  { value: 'users', label: 'Users', permission: PERMISSIONS.viewUser },
  { value: 'units', label: 'Units', permission: null },
  { value: 'departments', label: 'Departments', permission: null },
  {
    value: 'directory-groups',
    label: 'Directory groups',
    permission: PERMISSIONS.viewDirectoryGroups,
  },
] as const;

/** Users, units, departments and directory groups, one tab each; the tab is part of the
 * address. */
export function AdministrationPage({ me }: { me: Me }) {
  const location = useLocation();
  const navigate = useNavigate();
  const tabs = TABS.filter((tab) => tab.permission === null || can(me, tab.permission));
  const current = location.pathname.split('/')[2] ?? '';
  const active = tabs.find((tab) => tab.value === current)?.value ?? tabs[0]?.value ?? 'units';
  useDocumentTitle(`${TABS.find((tab) => tab.value === active)?.label ?? ''} · Administration`);

  return (
    <Stack>
      <Title order={1} size="h2">
        Administration
      </Title>
      <Tabs
        value={active}
        onChange={(value) => {
          if (value !== null) {
            void navigate(`/administration/${value}`);
          }
        }}
        keepMounted={false}
      >
        <Tabs.List>
          {tabs.map((tab) => (
            <Tabs.Tab key={tab.value} value={tab.value}>
              {tab.label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        <Tabs.Panel value="users" pt="md">
          <UsersPage me={me} />
        </Tabs.Panel>
        <Tabs.Panel value="units" pt="md">
          <UnitsPage me={me} />
        </Tabs.Panel>
        <Tabs.Panel value="departments" pt="md">
          <DepartmentsPage me={me} />
        </Tabs.Panel>
        <Tabs.Panel value="directory-groups" pt="md">
          <DirectoryGroupsPage me={me} />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
