import {
  Alert,
  Anchor,
  Button,
  Group,
  List,
  NumberInput,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';

import { fieldErrors, formErrorOf } from '@/lib/api/field-errors';
import type { Me } from '@/lib/api/types';
import { useUnitChoices } from '@/lib/auth/unit-choices';

import { useCreateGrid } from '../api/create-grid';
import { useLocationTree } from '../api/get-location-tree';
import { gridPreview, nextFreeRoom, type GridInput } from './grid-preview';

const INITIAL: GridInput = {
  rooms: 1,
  racksPerRoom: 3,
  shelvesPerRack: 4,
  capacity: 6,
  firstRoom: 1,
  securityClass: 0,
};

/** The request fields this form shows with their own messages. */
const FIELDS = [
  'unit',
  'first_room',
  'rooms',
  'racks_per_room',
  'shelves_per_rack',
  'capacity',
  'security_class',
] as const;

function asNumber(value: number | string): number {
  return typeof value === 'number' ? value : value.trim() === '' ? Number.NaN : Number(value);
}

/** The preview as a small picture: one row per rack of the first room, a box per shelf. */
function PreviewPicture({ racks, shelves }: { racks: string[]; shelves: string[] }) {
  const shownRacks = racks.slice(0, 6);
  const shownShelves = shelves.slice(0, 12);
  return (
    <div aria-hidden="true">
      {shownRacks.map((rack) => (
        <Group key={rack} gap={4} mb={4} wrap="nowrap">
          <Text size="xs" ff="monospace" w={34}>
            {rack}
          </Text>
          {shownShelves.map((shelf) => (
            <span
              key={shelf}
              style={{
                display: 'inline-block',
                minWidth: 26,
                padding: '1px 3px',
                border: '1px solid #868e96',
                borderRadius: 3,
                fontSize: 11,
                fontFamily: 'var(--font-mono)',
                textAlign: 'center',
              }}
            >
              {shelf}
            </span>
          ))}
          {shelves.length > shownShelves.length && <Text size="xs">…</Text>}
        </Group>
      ))}
      {racks.length > shownRacks.length && (
        <Text size="xs">… {racks.length - shownRacks.length} more racks</Text>
      )}
    </div>
  );
}

export function GridCreatePage({ me }: { me: Me }) {
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const units = useUnitChoices(me);
  const asked = Number(params.get('unit'));
  const [unitId, setUnitId] = useState<number | null>(
    Number.isInteger(asked) && asked > 0 ? asked : (me.units[0]?.id ?? null),
  );
  const [input, setInput] = useState<GridInput>(INITIAL);
  const [attempted, setAttempted] = useState(false);
  const tree = useLocationTree(unitId, true);
  const create = useCreateGrid();
  const server = fieldErrors(create.error);

  const unit = units.find((u) => u.id === unitId) ?? null;
  const existing = (tree.data ?? []).map((room) => room.code);
  const preview = gridPreview(unit?.code ?? '?', input, existing);
  const suggestion = preview.taken.length > 0 ? nextFreeRoom(existing, input.rooms) : null;

  const set = (field: keyof GridInput) => (value: number | string) => {
    setInput((current) => ({ ...current, [field]: asNumber(value) }));
    create.reset(); // the server's message was about the values before
  };

  const submit = () => {
    setAttempted(true);
    if (unitId === null || preview.problems.length > 0) {
      return;
    }
    create.mutate(
      {
        unit: unitId,
        rooms: input.rooms,
        racks_per_room: input.racksPerRoom,
        shelves_per_rack: input.shelvesPerRack,
        capacity: input.capacity,
        first_room: input.firstRoom,
        security_class: input.securityClass,
      },
      {
        onSuccess: (result) => {
          notifications.show({
            color: 'green',
            title: 'Grid created',
            message: `${String(result.created)} locations: ${result.rooms.join(', ')}.`,
          });
          void navigate(`/locations?unit=${String(unitId)}`);
        },
      },
    );
  };

  return (
    <Stack maw={960}>
      <Anchor component={Link} to="/locations" size="sm">
        ← All locations
      </Anchor>
      <Title order={1} size="h2">
        Create a grid of locations
      </Title>
      <Text>
        Rooms <code>R01…</code>, racks <code>K01…</code> in each room and shelves <code>S1…</code>{' '}
        on each rack, in one step. Nothing is created if any room already exists.
      </Text>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
      >
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
          <Paper withBorder p="md" component="section" aria-labelledby="grid-form">
            <Title order={2} size="h4" id="grid-form" mb="sm">
              Grid
            </Title>
            <Stack gap="sm">
              <Select
                label="Unit"
                required
                data={units.map((u) => ({ value: String(u.id), label: `${u.code} — ${u.name}` }))}
                value={unitId === null ? null : String(unitId)}
                onChange={(value) => {
                  setUnitId(value === null ? null : Number(value));
                  create.reset();
                }}
                error={(attempted && unitId === null ? 'Choose a unit' : null) ?? server.unit}
              />
              <Group grow align="flex-start">
                <NumberInput
                  label="First room number"
                  min={1}
                  max={99}
                  allowDecimal={false}
                  value={input.firstRoom}
                  onChange={set('firstRoom')}
                  error={server.first_room}
                />
                <NumberInput
                  label="Rooms"
                  min={1}
                  max={99}
                  allowDecimal={false}
                  value={input.rooms}
                  onChange={set('rooms')}
                  error={server.rooms}
                />
              </Group>
              <Group grow align="flex-start">
                <NumberInput
                  label="Racks per room"
                  min={1}
                  max={99}
                  allowDecimal={false}
                  value={input.racksPerRoom}
                  onChange={set('racksPerRoom')}
                  error={server.racks_per_room}
                />
                <NumberInput
                  label="Shelves per rack"
                  min={1}
                  max={99}
                  allowDecimal={false}
                  value={input.shelvesPerRack}
                  onChange={set('shelvesPerRack')}
                  error={server.shelves_per_rack}
                />
              </Group>
              <Group grow align="flex-start">
                <NumberInput
                  label="Capacity per shelf (crates)"
                  min={1}
                  max={10000}
                  allowDecimal={false}
                  value={input.capacity}
                  onChange={set('capacity')}
                  error={server.capacity}
                />
                <NumberInput
                  label="Security class of the rooms"
                  min={0}
                  allowDecimal={false}
                  value={input.securityClass}
                  onChange={set('securityClass')}
                  error={server.security_class}
                />
              </Group>
            </Stack>
          </Paper>

          <Paper withBorder p="md" component="section" aria-labelledby="grid-preview">
            <Title order={2} size="h4" id="grid-preview" mb="sm">
              Preview
            </Title>
            <Stack gap="xs" data-testid="grid-preview" aria-live="polite">
              <Text>
                <strong>{preview.roomCodes.length}</strong> room
                {preview.roomCodes.length === 1 ? '' : 's'} ({preview.roomCodes[0] ?? '—'}
                {preview.roomCodes.length > 1 ? `–${preview.roomCodes.at(-1) ?? ''}` : ''}),{' '}
                <strong>{preview.racks}</strong> racks, <strong>{preview.shelves}</strong> shelves:{' '}
                <strong>{preview.total}</strong> locations for <strong>{preview.crates}</strong>{' '}
                crates.
              </Text>
              <Text size="sm" ff="monospace">
                {preview.firstCode} … {preview.lastCode}
              </Text>
              <PreviewPicture racks={preview.rackCodes} shelves={preview.shelfCodes} />
              {preview.problems.length > 0 && (
                <Alert color="red" title="This grid cannot be created" role="alert">
                  <List size="sm">
                    {preview.problems.map((problem) => (
                      <List.Item key={problem}>{problem}</List.Item>
                    ))}
                  </List>
                  {suggestion !== null && (
                    <Button
                      mt="xs"
                      size="xs"
                      variant="default"
                      onClick={() => {
                        setInput((current) => ({ ...current, firstRoom: suggestion }));
                      }}
                    >
                      Start at R{String(suggestion).padStart(2, '0')} instead
                    </Button>
                  )}
                </Alert>
              )}
            </Stack>
          </Paper>
        </SimpleGrid>
        {create.isError && (
          <Alert color="red" role="alert" title="Nothing was created" mt="md">
            {formErrorOf(create.error, FIELDS)}
          </Alert>
        )}
        <Group justify="flex-end" mt="md">
          <Button variant="default" component={Link} to="/locations">
            Cancel
          </Button>
          <Button type="submit" loading={create.isPending} disabled={preview.problems.length > 0}>
            Create {preview.total} locations
          </Button>
        </Group>
      </form>
    </Stack>
  );
}
