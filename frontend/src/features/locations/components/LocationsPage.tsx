import {
  Alert,
  Button,
  Group,
  Loader,
  Paper,
  SegmentedControl,
  Select,
  Stack,
  Switch,
  Text,
  Title,
} from '@mantine/core';
import { Link, useSearchParams } from 'react-router';

import type { Me } from '@/lib/api/types';
import { PERMISSIONS, can } from '@/lib/auth/permissions';
import { useUnitChoices } from '@/lib/auth/unit-choices';

import { useLocationTree } from '../api/get-location-tree';
import { HeatMapLegend, OccupancyMeter, VerificationSummary } from './Occupancy';
import { LocationTree } from './LocationTree';
import { verificationOf, type HeatMapMode } from './verification';

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

export function LocationsPage({ me }: { me: Me }) {
  const [params, setParams] = useSearchParams();
  const units = useUnitChoices(me);
  const rawUnit = params.get('unit');
  const unit = rawUnit !== null && /^\d+$/.test(rawUnit) ? Number(rawUnit) : null;
  const inactive = params.get('inactive') === 'true';
  const mode: HeatMapMode = params.get('map') === 'verified' ? 'verified' : 'occupancy';
  const tree = useLocationTree(unit, inactive);
  const canCreate = can(me, PERMISSIONS.addLocation);

  const setParam = (name: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value === null) {
      next.delete(name);
    } else {
      next.set(name, value);
    }
    setParams(next, { replace: true });
  };

  const rooms = tree.data ?? [];
  const byUnit = new Map<string, typeof rooms>();
  for (const room of rooms) {
    byUnit.set(room.unit_code, [...(byUnit.get(room.unit_code) ?? []), room]);
  }

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1} size="h2">
          Locations
        </Title>
        {canCreate && (
          <Button
            component={Link}
            to={unit === null ? '/locations/new-grid' : `/locations/new-grid?unit=${String(unit)}`}
          >
            Create a grid
          </Button>
        )}
      </Group>

      <Paper withBorder p="md" component="section" aria-label="Filters and legend">
        <Group align="flex-end" justify="space-between" wrap="wrap">
          <Group align="flex-end" wrap="wrap">
            {units.length > 1 && (
              <Select
                label="Unit"
                placeholder="All my units"
                clearable
                data={units.map((u) => ({ value: String(u.id), label: `${u.code} — ${u.name}` }))}
                value={unit === null ? null : String(unit)}
                onChange={(value) => {
                  setParam('unit', value);
                }}
                w={240}
              />
            )}
            <Switch
              label="Show deactivated"
              checked={inactive}
              onChange={(event) => {
                setParam('inactive', event.currentTarget.checked ? 'true' : null);
              }}
              mb={8}
            />
            <Stack gap={4}>
              <Text size="sm" fw={500} id="heat-map-label">
                Heat map
              </Text>
              <SegmentedControl
                aria-labelledby="heat-map-label"
                data={[
                  { value: 'occupancy', label: 'Occupancy' },
                  { value: 'verified', label: 'Days since verified' },
                ]}
                value={mode}
                onChange={(value) => {
                  setParam('map', value === 'verified' ? 'verified' : null);
                }}
              />
            </Stack>
          </Group>
          <HeatMapLegend mode={mode} />
        </Group>
      </Paper>

      {tree.isError && (
        <Alert color="red" role="alert" title="The locations could not be loaded">
          {tree.error.message}
        </Alert>
      )}
      {tree.isLoading && <Loader role="status" aria-label="Loading the locations" />}
      {tree.isSuccess && rooms.length === 0 && (
        <Text c="dimmed">
          No storage locations yet.{canCreate ? ' Create a grid of rooms, racks and shelves.' : ''}
        </Text>
      )}

      {[...byUnit.entries()].map(([unitCode, unitRooms]) => {
        const occupancy = sum(unitRooms.map((room) => room.occupancy));
        const capacity = sum(unitRooms.map((room) => room.total_capacity));
        return (
          <Paper
            key={unitCode}
            withBorder
            p="md"
            component="section"
            aria-labelledby={`unit-${unitCode}`}
          >
            <Group justify="space-between" mb="sm" wrap="wrap">
              <Title order={2} size="h4" id={`unit-${unitCode}`}>
                {unitCode}
              </Title>
              {mode === 'verified' ? (
                <VerificationSummary
                  value={verificationOf({
                    kind: 'UNIT',
                    is_active: true,
                    last_verified_at: null,
                    children: unitRooms,
                  })}
                  label={`Unit ${unitCode} verification`}
                />
              ) : (
                <OccupancyMeter
                  value={{ occupancy, total_capacity: capacity }}
                  label={`Unit ${unitCode}`}
                />
              )}
            </Group>
            <LocationTree rooms={unitRooms} mode={mode} />
          </Paper>
        );
      })}
    </Stack>
  );
}
