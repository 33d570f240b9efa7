import {
  Alert,
  Anchor,
  Badge,
  Grid,
  Group,
  Loader,
  Paper,
  SimpleGrid,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { Link, useParams } from 'react-router';

import { Field } from '@/components/ui/Field';
import type { Me } from '@/lib/api/types';
import { PERMISSIONS, can } from '@/lib/auth/permissions';
import { formatDateTime, humanize } from '@/lib/format';
import { useChangedElsewhere } from '@/lib/realtime/use-changed-elsewhere';
import { useDocumentTitle } from '@/lib/use-document-title';

import { findNode, useLocationTree } from '../api/get-location-tree';
import { useLocation } from '../api/get-location';
import { LocationActiveButton } from './LocationActiveButton';
import { LocationEditForm } from './LocationEditForm';
import { RackRow } from './LocationTree';
import { OccupancyLegend, OccupancyMeter, ShelfCell } from './Occupancy';

import './locations.css';

export function LocationDetailPage({ me }: { me: Me }) {
  const id = Number(useParams().locationId);
  const valid = Number.isInteger(id) && id > 0;
  const location = useLocation(valid ? id : 0);
  const tree = useLocationTree(location.data?.unit ?? null, true);
  useDocumentTitle(location.data ? `Location ${location.data.full_code}` : 'Location');

  useChangedElsewhere(
    'location',
    id,
    () => 'This location was updated; the screen shows the new values.',
  );

  if (!valid) {
    return <Alert color="red">Unknown location.</Alert>;
  }
  if (location.isLoading) {
    return <Loader role="status" aria-label="Loading the location" />;
  }
  if (location.isError) {
    return (
      <Alert color="red" role="alert" title="The location could not be loaded">
        {location.error.message}
      </Alert>
    );
  }
  const detail = location.data;
  if (detail === undefined) {
    return null;
  }
  const node = tree.data === undefined ? null : findNode(tree.data, detail.id);
  const parent =
    tree.data === undefined || detail.parent === null || detail.parent === undefined
      ? null
      : findNode(tree.data, detail.parent);

  return (
    <Stack>
      <Group gap="xs">
        <Anchor component={Link} to="/locations" size="sm">
          ← All locations
        </Anchor>
        {parent !== null && (
          <Anchor component={Link} to={`/locations/${String(parent.id)}`} size="sm">
            ↑ {parent.full_code}
          </Anchor>
        )}
      </Group>
      <Group justify="space-between" align="flex-start">
        <div>
          <Title order={1} size="h2" ff="monospace">
            {detail.full_code}
          </Title>
          <Group gap="xs" mt={4}>
            <Badge variant="outline">{humanize(detail.kind)}</Badge>
            {!detail.is_active && <Badge color="gray">Deactivated</Badge>}
            <Text size="sm" c="dimmed">
              version {detail.version}
            </Text>
          </Group>
        </div>
        <Group gap="xs" aria-label="Actions" role="group">
          {can(me, PERMISSIONS.changeLocation) && <LocationActiveButton location={detail} />}
        </Group>
      </Group>

      <Grid>
        <Grid.Col span={{ base: 12, md: 6 }}>
          <Paper withBorder p="md" component="section" aria-labelledby="location-details">
            <Title order={2} size="h4" id="location-details" mb="sm">
              Details
            </Title>
            <SimpleGrid cols={2} spacing="sm">
              <Field label="Unit">{detail.unit_code}</Field>
              <Field label="Name">{detail.name === '' ? '—' : detail.name}</Field>
              <Field label="Occupancy">
                <OccupancyMeter value={detail} label={detail.full_code} />
              </Field>
              <Field label="Free">{detail.free} crates</Field>
              {detail.kind === 'SHELF' && (
                <Field label="Capacity">{detail.capacity ?? '—'} crates</Field>
              )}
              {detail.kind === 'ROOM' && (
                <Field label="Security class">{detail.security_class ?? 0}</Field>
              )}
              <Field label="Updated">{formatDateTime(detail.updated_at)}</Field>
            </SimpleGrid>
            {detail.kind === 'SHELF' && can(me, PERMISSIONS.viewCrate) && (
              <Anchor
                component={Link}
                to={`/crates?location=${String(detail.id)}`}
                mt="sm"
                display="inline-block"
              >
                Crates on this shelf
              </Anchor>
            )}
          </Paper>
        </Grid.Col>
        {can(me, PERMISSIONS.changeLocation) && (
          <Grid.Col span={{ base: 12, md: 6 }}>
            <Paper withBorder p="md" component="section" aria-labelledby="location-edit">
              <Title order={2} size="h4" id="location-edit" mb="sm">
                Change
              </Title>
              <LocationEditForm key={detail.version} location={detail} />
            </Paper>
          </Grid.Col>
        )}
      </Grid>

      {node !== null && node.children.length > 0 && (
        <Paper withBorder p="md" component="section" aria-labelledby="location-children">
          <Group justify="space-between" mb="sm" wrap="wrap">
            <Title order={2} size="h4" id="location-children">
              {detail.kind === 'ROOM' ? 'Racks and shelves' : 'Shelves'}
            </Title>
            <OccupancyLegend />
          </Group>
          {detail.kind === 'ROOM' ? (
            <ul className="location-tree">
              {node.children.map((rack) => (
                <RackRow key={rack.id} rack={rack} />
              ))}
            </ul>
          ) : (
            <ul className="shelf-grid" aria-label={`Shelves of ${detail.full_code}`}>
              {node.children.map((shelf) => (
                <li key={shelf.id}>
                  <ShelfCell
                    id={shelf.id}
                    code={shelf.code}
                    fullCode={shelf.full_code}
                    value={shelf}
                    active={shelf.is_active}
                  />
                </li>
              ))}
            </ul>
          )}
        </Paper>
      )}
    </Stack>
  );
}
