import {
  Alert,
  Anchor,
  Badge,
  Group,
  Paper,
  Progress,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { Link } from 'react-router';

import type { Dashboard, Me } from '@/lib/api/types';
import { formatDateTime, humanize } from '@/lib/format';

import { useDashboard } from '../api/get-dashboard';
import { useMyTasks } from '../api/get-my-tasks';

const KPIS: { key: keyof Dashboard['kpis']; label: string; color: string }[] = [
  { key: 'pending_approvals', label: 'Pending approvals', color: 'blue' },
  { key: 'awaiting_fulfilment', label: 'Awaiting fulfilment', color: 'teal' },
  { key: 'crates_in_storage', label: 'Crates in storage', color: 'gray' },
  { key: 'crates_issued', label: 'Crates issued', color: 'violet' },
  { key: 'overdue', label: 'Overdue returns', color: 'red' },
  { key: 'due_for_destruction', label: 'Due for destruction (30 days)', color: 'orange' },
  { key: 'crates_pending', label: 'Crates pending storage', color: 'gray' },
  { key: 'crates_on_hold', label: 'Crates on legal hold', color: 'yellow' },
];

function MyTasks() {
  const tasks = useMyTasks();
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="my-tasks">
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h4" id="my-tasks">
          My tasks
        </Title>
        <Anchor component={Link} to="/requests?waiting_for_me=true" size="sm">
          All waiting for me
        </Anchor>
      </Group>
      {tasks.isError && <Alert color="red">{tasks.error.message}</Alert>}
      {tasks.data?.results.length === 0 && <Text c="dimmed">Nothing waits for you.</Text>}
      <Stack gap="xs">
        {tasks.data?.results.map((task) => (
          <Group key={task.id} justify="space-between" wrap="nowrap">
            <div>
              <Anchor component={Link} to={`/requests/${String(task.id)}`} fw={600}>
                {task.number}
              </Anchor>{' '}
              <Text span size="sm">
                {humanize(task.type)} · {task.crate_code} · {task.requester_name}
              </Text>
              <Text size="xs" c="dimmed">
                Submitted {formatDateTime(task.submitted_at)}
              </Text>
            </div>
            <Badge variant="light" style={{ flexShrink: 0 }}>
              {humanize(task.status ?? '')}
            </Badge>
          </Group>
        ))}
      </Stack>
    </Paper>
  );
}

function Occupancy({ rooms }: { rooms: Dashboard['occupancy_by_room'] }) {
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="occupancy">
      <Title order={2} size="h4" id="occupancy" mb="sm">
        Shelf occupancy by room
      </Title>
      {rooms.length === 0 && <Text c="dimmed">No rooms yet.</Text>}
      <Stack gap="sm">
        {rooms.map((room) => {
          const percent =
            room.capacity > 0 ? Math.round((room.occupancy / room.capacity) * 100) : 0;
          return (
            <div key={room.id}>
              <Group justify="space-between">
                <Text size="sm">
                  {room.full_code} {room.name}
                </Text>
                <Text size="sm" c="dimmed">
                  {room.occupancy} / {room.capacity} ({percent} %)
                </Text>
              </Group>
              <Progress
                value={percent}
                color={percent > 90 ? 'red' : percent > 70 ? 'orange' : 'teal'}
                aria-label={`${room.full_code} occupancy ${String(percent)} percent`}
              />
            </div>
          );
        })}
      </Stack>
    </Paper>
  );
}

function RequestsPerWeek({ data }: { data: Dashboard['requests_per_week'] }) {
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="per-week">
      <Title order={2} size="h4" id="per-week" mb="sm">
        Requests per week
      </Title>
      <Table.ScrollContainer minWidth={400}>
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Week of</Table.Th>
              {data.series.map((series) => (
                <Table.Th key={series.type}>{humanize(series.type)}</Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {data.weeks.map((week, index) => (
              <Table.Tr key={week}>
                <Table.Td>{week}</Table.Td>
                {data.series.map((series) => (
                  <Table.Td key={series.type}>{series.counts[index] ?? 0}</Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Paper>
  );
}

export function DashboardPage({ me }: { me: Me }) {
  const dashboard = useDashboard();
  return (
    <Stack>
      <div>
        <Title order={1} size="h2">
          Dashboard
        </Title>
        <Text c="dimmed">
          {me.full_name} · {me.role ?? ''} ·{' '}
          {me.all_units ? 'all units' : me.units.map((unit) => unit.code).join(', ')}
        </Text>
      </div>
      {dashboard.isError && (
        <Alert color="red" role="alert" title="The dashboard could not be loaded">
          {dashboard.error.message}
        </Alert>
      )}
      {dashboard.data !== undefined && (
        <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm" aria-label="Key figures">
          {KPIS.map((kpi) => (
            <Paper key={kpi.key} withBorder p="sm">
              <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
                {kpi.label}
              </Text>
              <Text size="xl" fw={700} c={kpi.color}>
                {dashboard.data.kpis[kpi.key]}
              </Text>
            </Paper>
          ))}
        </SimpleGrid>
      )}
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <MyTasks />
        {dashboard.data !== undefined && <Occupancy rooms={dashboard.data.occupancy_by_room} />}
      </SimpleGrid>
      {dashboard.data !== undefined && <RequestsPerWeek data={dashboard.data.requests_per_week} />}
      {dashboard.data !== undefined && (
        <Text size="xs" c="dimmed">
          Figures as of {formatDateTime(dashboard.data.generated_at)}
        </Text>
      )}
    </Stack>
  );
}
