import { Anchor, Badge, Button, Group, Text, UnstyledButton } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router';

import type { LocationNode } from '../api/get-location-tree';
import { OccupancyMeter, ShelfCell, VerificationSummary } from './Occupancy';
import { verificationOf, type HeatMapMode } from './verification';

import './locations.css';

/** Rooms open on arrival when there are few of them; otherwise the reader opens what they need. */
const OPEN_ROOMS_UP_TO = 6;

/** A rack's or room's figure for the map shown: occupancy, or its oldest shelf's verification. */
function NodeSummary({
  node,
  label,
  mode,
}: {
  node: LocationNode;
  label: string;
  mode: HeatMapMode;
}) {
  return mode === 'verified' ? (
    <VerificationSummary value={verificationOf(node)} label={`${label} verification`} />
  ) : (
    <OccupancyMeter value={node} label={label} />
  );
}

export function RackRow({ rack, mode = 'occupancy' }: { rack: LocationNode; mode?: HeatMapMode }) {
  return (
    <li>
      <div className="location-tree__row">
        <Anchor component={Link} to={`/locations/${String(rack.id)}`} ff="monospace" fw={600}>
          {rack.code}
        </Anchor>
        {rack.name !== '' && <Text size="sm">{rack.name}</Text>}
        <NodeSummary node={rack} label={`Rack ${rack.full_code}`} mode={mode} />
        {!rack.is_active && <Badge color="gray">Deactivated</Badge>}
      </div>
      {rack.children.length > 0 && (
        <ul className="shelf-grid" aria-label={`Shelves of ${rack.full_code}`}>
          {rack.children.map((shelf) => (
            <li key={shelf.id}>
              <ShelfCell
                id={shelf.id}
                code={shelf.code}
                fullCode={shelf.full_code}
                value={shelf}
                active={shelf.is_active}
                mode={mode}
                verification={verificationOf(shelf)}
              />
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}

/**
 * The rooms → racks → shelves tree as nested lists: each room a disclosure button, each rack a
 * row with its shelves as a heat map of cells (links to the shelf). Every focusable is a plain
 * button or link, so Tab, Enter and Space work as everywhere else.
 */
export function LocationTree({
  rooms,
  mode = 'occupancy',
}: {
  rooms: readonly LocationNode[];
  mode?: HeatMapMode;
}) {
  const [closed, setClosed] = useState<ReadonlySet<number>>(
    () => new Set(rooms.length > OPEN_ROOMS_UP_TO ? rooms.map((room) => room.id) : []),
  );
  const toggle = (id: number) => {
    setClosed((current) => {
      const next = new Set(current);
      if (next.has(id)) {
        next.delete(id);
      } else {
        next.add(id);
      }
      return next;
    });
  };
  return (
    <>
      <Group gap="xs" mb="xs">
        <Button
          size="xs"
          variant="default"
          onClick={() => {
            setClosed(new Set());
          }}
        >
          Open all rooms
        </Button>
        <Button
          size="xs"
          variant="default"
          onClick={() => {
            setClosed(new Set(rooms.map((room) => room.id)));
          }}
        >
          Close all rooms
        </Button>
      </Group>
      <ul className="location-tree" aria-label="Storage locations">
        {rooms.map((room) => {
          const open = !closed.has(room.id);
          const panel = `room-panel-${String(room.id)}`;
          return (
            <li key={room.id} data-testid={`room-${room.full_code}`}>
              <div className="location-tree__row">
                <UnstyledButton
                  aria-expanded={open}
                  aria-controls={panel}
                  onClick={() => {
                    toggle(room.id);
                  }}
                  fw={700}
                >
                  <span aria-hidden="true">{open ? '▾' : '▸'}</span>{' '}
                  <span style={{ fontFamily: 'var(--font-mono)' }}>{room.full_code}</span>
                  {room.name !== '' ? ` — ${room.name}` : ''}
                </UnstyledButton>
                <NodeSummary node={room} label={`Room ${room.full_code}`} mode={mode} />
                {room.security_class > 0 && (
                  <Badge variant="outline" color="indigo">
                    Security class {room.security_class}
                  </Badge>
                )}
                {!room.is_active && <Badge color="gray">Deactivated</Badge>}
                <Anchor component={Link} to={`/locations/${String(room.id)}`} size="sm">
                  Details<span className="visually-hidden"> of {room.full_code}</span>
                </Anchor>
              </div>
              {
                <ul id={panel} hidden={!open} aria-label={`Racks of ${room.full_code}`}>
                  {room.children.map((rack) => (
                    <RackRow key={rack.id} rack={rack} mode={mode} />
                  ))}
                  {room.children.length === 0 && (
                    <li>
                      <Text size="sm" c="dimmed">
                        No racks.
                      </Text>
                    </li>
                  )}
                </ul>
              }
            </li>
          );
        })}
      </ul>
    </>
  );
}
