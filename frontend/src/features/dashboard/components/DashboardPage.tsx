import { BarChart } from '@mantine/charts';
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  Paper,
  Progress,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
  UnstyledButton,
} from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { useState, type ReactNode } from 'react';
import { Link } from 'react-router';

import { ForecastChart } from '@/components/ui/ForecastChart';
import { periodName } from '@/components/ui/forecast-chart-data';
import { REQUEST_STATUS_TONES, TONES } from '@/components/ui/status-colors';
import type { Dashboard, Me } from '@/lib/api/types';
import { PERMISSIONS, can } from '@/lib/auth/permissions';
import { formatDate, formatDateTime, humanize } from '@/lib/format';

import { useRetentionForecast } from '@/entities/crates/get-retention-forecast';
import { dashboardKeys } from '../api/dashboard-keys';
import { useDashboard } from '../api/get-dashboard';
import { useMyTasks } from '../api/get-my-tasks';
import { useDestructionDuePreview, useOverduePreview } from '../api/get-report-previews';
import { roomRows, totalRequests, weeklyRows, weeklySeries } from './chart-data';

/** Days ahead the "due for destruction" figure counts (the server's DUE_WITHIN_DAYS). */
const DUE_WITHIN_DAYS = 30;

interface Kpi {
  key: keyof Dashboard['kpis'];
  label: string;
  color: string;
  /** Where the figure's list is: the same rows the server counted, if the caller may read them. */
  to: () => string;
  permission: string;
}

const requests = (query: string) => () => `/requests?${query}`;
const crates = (query: string) => () => `/crates?${query}`;

const KPIS: Kpi[] = [
  {
    key: 'pending_approvals',
    label: 'Pending approvals',
    color: 'blue.8',
    to: requests('status=SUBMITTED'),
    permission: PERMISSIONS.viewRequest,
  },
  {
    key: 'awaiting_fulfilment',
    label: 'Awaiting fulfilment',
    color: 'teal.9',
    to: requests('status=APPROVED'),
    permission: PERMISSIONS.viewRequest,
  },
  {
    key: 'crates_in_storage',
    label: 'Crates in storage',
    color: 'dark.6',
    to: crates('status=IN_STORAGE'),
    permission: PERMISSIONS.viewCrate,
  },
  {
    key: 'crates_issued',
    label: 'Crates issued',
    color: 'violet.8',
    to: crates('status=ISSUED'),
    permission: PERMISSIONS.viewCrate,
  },
  {
    key: 'overdue',
    label: 'Overdue returns',
    color: 'red.8',
    to: requests('overdue=true'),
    permission: PERMISSIONS.viewRequest,
  },
  {
    key: 'due_for_destruction',
    label: `Due for destruction (${String(DUE_WITHIN_DAYS)} days)`,
    color: 'orange.9',
    // In storage, not on hold, retention ending within the window: as the server counts them.
    to: () =>
      `/crates?status=IN_STORAGE&legal_hold=false&destroy_after_to=${dayjs()
        .add(DUE_WITHIN_DAYS, 'day')
        .format('YYYY-MM-DD')}`,
    permission: PERMISSIONS.viewCrate,
  },
  {
    key: 'crates_pending',
    label: 'Crates pending storage',
    color: 'dark.6',
    to: crates('status=PENDING'),
    permission: PERMISSIONS.viewCrate,
  },
  {
    key: 'crates_on_hold',
    label: 'Crates on legal hold',
    color: 'yellow.9',
    // Held crates not yet destroyed, as the server counts them.
    to: crates('legal_hold=true&status=PENDING&status=IN_STORAGE&status=ISSUED'),
    permission: PERMISSIONS.viewCrate,
  },
];

function Section({
  id,
  title,
  action,
  children,
}: {
  id: string;
  title: string;
  action?: ReactNode;
  children: ReactNode;
}) {
  return (
    <Paper withBorder p="md" component="section" aria-labelledby={id}>
      <Group justify="space-between" mb="sm" wrap="nowrap">
        <Title order={2} size="h4" id={id}>
          {title}
        </Title>
        {action}
      </Group>
      {children}
    </Paper>
  );
}

function ViewToggle({
  label,
  value,
  onChange,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <SegmentedControl
      size="xs"
      aria-label={label}
      value={value}
      onChange={onChange}
      data={[
        { value: 'chart', label: 'Chart' },
        { value: 'table', label: 'Table' },
      ]}
    />
  );
}

function Kpis({ kpis, me }: { kpis: Dashboard['kpis']; me: Me }) {
  return (
    <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm" role="list" aria-label="Key figures">
      {KPIS.map((kpi) => {
        const body = (
          <>
            <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
              {kpi.label}
              <span className="visually-hidden">:</span>
            </Text>
            <Text size="xl" fw={700} c={kpi.color} data-testid={`kpi-${kpi.key}`}>
              {kpis[kpi.key]}
            </Text>
          </>
        );
        return (
          <Paper key={kpi.key} withBorder p="sm" role="listitem">
            {can(me, kpi.permission) ? (
              // Named by its visible text (WCAG 2.5.3), not an aria-label that differs from it.
              <UnstyledButton component={Link} to={kpi.to()} display="block">
                {body}
                <span className="visually-hidden"> — show them</span>
              </UnstyledButton>
            ) : (
              body
            )}
          </Paper>
        );
      })}
    </SimpleGrid>
  );
}

/** Shows one task for review where it is listed (the app supplies the requests feature's
 * review panel, so this feature does not import another). */
export type TaskReview = (props: {
  requestId: number;
  onClose: () => void;
  onSigned: () => void;
}) => ReactNode;

function MyTasks({ review }: { review: TaskReview | undefined }) {
  const tasks = useMyTasks();
  const [reviewing, setReviewing] = useState<number | null>(null);
  const queryClient = useQueryClient();
  return (
    <Section
      id="my-tasks"
      title="My tasks"
      action={
        <Anchor component={Link} to="/requests?waiting_for_me=true" size="sm">
          All waiting for me
        </Anchor>
      }
    >
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
                {humanize(task.type)} · <span className="crate-code">{task.crate_code}</span> ·{' '}
                {task.requester_name}
              </Text>
              <Text size="xs" c="dimmed">
                Submitted {formatDateTime(task.submitted_at)}
              </Text>
            </div>
            <Group gap="xs" wrap="nowrap" style={{ flexShrink: 0 }}>
              <Badge {...(task.status ? REQUEST_STATUS_TONES[task.status] : { variant: 'light' })}>
                {humanize(task.status ?? '')}
              </Badge>
              {review !== undefined && (
                <Button
                  size="xs"
                  variant="light"
                  aria-label={`Review ${task.number}`}
                  onClick={() => {
                    setReviewing(task.id);
                  }}
                >
                  Review
                </Button>
              )}
            </Group>
          </Group>
        ))}
      </Stack>
      {review !== undefined &&
        reviewing !== null &&
        review({
          requestId: reviewing,
          onClose: () => {
            setReviewing(null);
          },
          onSigned: () => {
            void queryClient.invalidateQueries({ queryKey: dashboardKeys.all });
          },
        })}
    </Section>
  );
}

function RequestsPerWeek({ data }: { data: Dashboard['requests_per_week'] }) {
  const [view, setView] = useState('chart');
  const rows = weeklyRows(data);
  const series = weeklySeries(data);
  return (
    <Section
      id="per-week"
      title="Requests per week"
      action={<ViewToggle label="Requests per week as" value={view} onChange={setView} />}
    >
      {view === 'chart' ? (
        <figure style={{ margin: 0 }}>
          <BarChart
            h={260}
            data={rows}
            dataKey="week"
            type="stacked"
            series={series}
            withLegend
            tickLine="y"
            yAxisProps={{ allowDecimals: false }}
            aria-hidden
            // Hidden from assistive technology (the caption and the table say the same), so
            // not focusable either: recharts' keyboard layer would make the hidden chart a tab stop.
            barChartProps={{ accessibilityLayer: false }}
          />
          <figcaption className="visually-hidden">
            Requests submitted per week over the last {data.weeks.length} weeks, by type:{' '}
            {totalRequests(data)} in all. Switch to the table for the figures.
          </figcaption>
        </figure>
      ) : (
        <Table.ScrollContainer minWidth={400}>
          <Table aria-labelledby="per-week">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Week of</Table.Th>
                {data.series.map((s) => (
                  <Table.Th key={s.type}>{humanize(s.type)}</Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.weeks.map((week, index) => (
                <Table.Tr key={week}>
                  <Table.Td>{formatDate(week)}</Table.Td>
                  {data.series.map((s) => (
                    <Table.Td key={s.type}>{s.counts[index] ?? 0}</Table.Td>
                  ))}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Section>
  );
}

function Occupancy({
  rooms,
  total,
  linkToLocations,
}: {
  rooms: Dashboard['occupancy_by_room'];
  total: number;
  linkToLocations: boolean;
}) {
  const [view, setView] = useState('chart');
  const rows = roomRows(rooms);
  return (
    <Section
      id="occupancy"
      title="Shelf occupancy by room"
      action={<ViewToggle label="Occupancy as" value={view} onChange={setView} />}
    >
      {rooms.length === 0 && <Text c="dimmed">No rooms yet.</Text>}
      {rooms.length > 0 && (
        <Group justify="space-between" mb="xs">
          <Text size="sm" c="dimmed">
            {rooms.length < total
              ? `The ${String(rooms.length)} fullest of ${String(total)} rooms`
              : total === 1
                ? 'One room'
                : `All ${String(total)} rooms, fullest first`}
          </Text>
          {linkToLocations && (
            <Anchor component={Link} to="/locations" size="sm">
              Every room on Locations
            </Anchor>
          )}
        </Group>
      )}
      {rooms.length > 0 && view === 'chart' && (
        <figure style={{ margin: 0 }}>
          <BarChart
            h={Math.max(160, rows.length * 44)}
            data={rows}
            dataKey="room"
            type="stacked"
            orientation="vertical"
            series={[
              { name: 'occupied', label: 'Occupied', color: 'teal.8' },
              { name: 'free', label: 'Free', color: 'gray.3' },
            ]}
            withLegend
            yAxisProps={{ width: 90 }}
            xAxisProps={{ allowDecimals: false }}
            aria-hidden
            // Hidden from assistive technology (the caption and the table say the same), so
            // not focusable either: recharts' keyboard layer would make the hidden chart a tab stop.
            barChartProps={{ accessibilityLayer: false }}
          />
          <figcaption className="visually-hidden">
            {rows.map((row) => `${row.room}: ${String(row.percent)} % used`).join('; ')}
          </figcaption>
        </figure>
      )}
      {rooms.length > 0 && view === 'table' && (
        <Stack gap="sm">
          {rooms.map((room, index) => {
            const percent = rows[index]?.percent ?? 0;
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
      )}
    </Section>
  );
}

function OverduePreview() {
  const overdue = useOverduePreview();
  return (
    <Section
      id="overdue-returns"
      title="Overdue returns"
      action={
        <Anchor component={Link} to="/requests?overdue=true" size="sm">
          All overdue
        </Anchor>
      }
    >
      {overdue.isError && <Alert color="red">{overdue.error.message}</Alert>}
      {overdue.data?.results.length === 0 && <Text c="dimmed">Nothing is overdue.</Text>}
      <Stack gap={6}>
        {overdue.data?.results.map((row) => (
          <Group key={row.id} justify="space-between" wrap="nowrap">
            <div>
              <Anchor component={Link} to={`/requests/${String(row.id)}`} fw={600}>
                {row.number}
              </Anchor>{' '}
              <Text span size="sm">
                <span className="crate-code">{row.crate_code}</span> · {row.requester_name}
              </Text>
            </div>
            <Badge {...TONES.late} style={{ flexShrink: 0 }}>
              {row.days_overdue} days late
            </Badge>
          </Group>
        ))}
      </Stack>
    </Section>
  );
}

function DestructionDuePreview({ me }: { me: Me }) {
  const until = dayjs().add(DUE_WITHIN_DAYS, 'day').format('YYYY-MM-DD');
  const linked = can(me, PERMISSIONS.viewCrate);
  const due = useDestructionDuePreview(until);
  return (
    <Section id="destruction-due" title={`Retention ending (${String(DUE_WITHIN_DAYS)} days)`}>
      {due.isError && <Alert color="red">{due.error.message}</Alert>}
      {due.data?.results.length === 0 && <Text c="dimmed">No retention ends soon.</Text>}
      <Stack gap={6}>
        {due.data?.results.map((row) => (
          <Group key={row.id} justify="space-between" wrap="nowrap">
            <div>
              {linked ? (
                <Anchor
                  component={Link}
                  to={`/crates/${String(row.id)}`}
                  ff="monospace"
                  fw={600}
                  size="sm"
                  className="crate-code"
                >
                  {row.code}
                </Anchor>
              ) : (
                <Text span ff="monospace" fw={600} size="sm" className="crate-code">
                  {row.code}
                </Text>
              )}{' '}
              <Text span size="sm">
                {row.location_code ?? ''} · {formatDate(row.destroy_after)}
              </Text>
            </div>
            {row.legal_hold ? (
              <Badge {...TONES.legalHold} style={{ flexShrink: 0 }}>
                Legal hold
              </Badge>
            ) : (
              <Badge {...TONES.dueSoon} style={{ flexShrink: 0 }}>
                {row.days_left === null
                  ? '—'
                  : row.days_left <= 0
                    ? 'Due now'
                    : `${String(row.days_left)} days`}
              </Badge>
            )}
          </Group>
        ))}
      </Stack>
    </Section>
  );
}

/** The next 12 months of the retention forecast: one request, a small chart, a link to the page. */
function RetentionForecastCard() {
  const from = dayjs().startOf('month');
  const forecast = useRetentionForecast({
    period: 'month',
    from: from.format('YYYY-MM-DD'),
    to: from.add(11, 'month').endOf('month').format('YYYY-MM-DD'),
  });
  const data = forecast.data;
  return (
    <Section
      id="retention-forecast"
      title="Becoming eligible for destruction (12 months)"
      action={
        <Anchor component={Link} to="/retention/forecast" size="sm">
          Retention forecast
        </Anchor>
      }
    >
      {forecast.isError && <Alert color="red">{forecast.error.message}</Alert>}
      {data !== undefined && (
        <>
          <ForecastChart
            forecast={data}
            grouping="unit"
            height={180}
            caption={`Crates becoming eligible per month: ${data.periods
              .map((p) => `${periodName(p, data.period)} ${String(p.crates)}`)
              .join('; ')}.`}
          />
          <Text size="sm" c="dimmed" mt="xs" data-testid="forecast-card-summary">
            {data.summary.forecast_crates} crates in the next 12 months ·{' '}
            {data.summary.already_eligible_crates} already eligible · {data.summary.on_hold_crates}{' '}
            on legal hold
          </Text>
        </>
      )}
    </Section>
  );
}

export function DashboardPage({ me, review }: { me: Me; review?: TaskReview }) {
  const dashboard = useDashboard();
  const readsRequests = can(me, PERMISSIONS.viewRequest);
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
      {dashboard.data !== undefined && <Kpis kpis={dashboard.data.kpis} me={me} />}
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <MyTasks review={review} />
        {dashboard.data !== undefined && (
          <RequestsPerWeek data={dashboard.data.requests_per_week} />
        )}
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, md: readsRequests ? 3 : 2 }}>
        {dashboard.data !== undefined && (
          <Occupancy
            rooms={dashboard.data.occupancy_by_room}
            total={dashboard.data.rooms_total}
            linkToLocations={can(me, PERMISSIONS.viewLocation)}
          />
        )}
        {readsRequests && <OverduePreview />}
        <DestructionDuePreview me={me} />
      </SimpleGrid>
      {can(me, PERMISSIONS.viewCrate) && <RetentionForecastCard />}
      {dashboard.data !== undefined && (
        <Text size="xs" c="dimmed">
          Figures as of {formatDateTime(dashboard.data.generated_at)}
        </Text>
      )}
    </Stack>
  );
}
