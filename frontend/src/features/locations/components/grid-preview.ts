export interface GridInput {
  rooms: number;
  racksPerRoom: number;
  shelvesPerRack: number;
  capacity: number;
  firstRoom: number;
  securityClass: number;
}

export interface GridPreview {
  roomCodes: string[];
  rackCodes: string[];
  shelfCodes: string[];
  racks: number;
  shelves: number;
  /** Rooms + racks + shelves. */
  total: number;
  /** Crates the new shelves hold. */
  crates: number;
  /** The first and last full codes created (e.g. GOA1/R03/K01/S1 … GOA1/R04/K03/S4). */
  firstCode: string;
  lastCode: string;
  /** Why the server would refuse it; empty when it would not. */
  problems: string[];
  /** Room codes of the grid that exist in the unit already. */
  taken: string[];
}

/** The server's limits (storage/serializers.py LocationGridSerializer, services.py). */
export const GRID_LIMITS = { maxPerLevel: 99, maxCapacity: 10000, maxLocations: 5000 } as const;

export function roomCode(n: number): string {
  return `R${String(n).padStart(2, '0')}`;
}

function rackCode(n: number): string {
  return `K${String(n).padStart(2, '0')}`;
}

function range(first: number, count: number): number[] {
  return Array.from({ length: Math.max(count, 0) }, (_, i) => first + i);
}

function whole(value: number, min: number, max: number): boolean {
  return Number.isInteger(value) && value >= min && value <= max;
}

/** What POST /locations/bulk/ will create, computed as the server does, and why it would not. */
export function gridPreview(
  unitCode: string,
  input: GridInput,
  existingRoomCodes: readonly string[],
): GridPreview {
  const problems: string[] = [];
  const { maxPerLevel, maxCapacity, maxLocations } = GRID_LIMITS;
  if (!whole(input.rooms, 1, maxPerLevel)) {
    problems.push(`Rooms: 1 to ${String(maxPerLevel)}.`);
  }
  if (!whole(input.racksPerRoom, 1, maxPerLevel)) {
    problems.push(`Racks per room: 1 to ${String(maxPerLevel)}.`);
  }
  if (!whole(input.shelvesPerRack, 1, maxPerLevel)) {
    problems.push(`Shelves per rack: 1 to ${String(maxPerLevel)}.`);
  }
  if (!whole(input.capacity, 1, maxCapacity)) {
    problems.push(`Capacity per shelf: 1 to ${String(maxCapacity)} crates.`);
  }
  if (!whole(input.firstRoom, 1, maxPerLevel)) {
    problems.push(`First room: 1 to ${String(maxPerLevel)}.`);
  } else if (input.firstRoom + input.rooms - 1 > maxPerLevel) {
    problems.push('Room codes end at R99.');
  }
  if (!whole(input.securityClass, 0, 32767)) {
    problems.push('Security class: 0 or more.');
  }
  const rooms = Math.max(input.rooms, 0);
  const racks = rooms * Math.max(input.racksPerRoom, 0);
  const shelves = racks * Math.max(input.shelvesPerRack, 0);
  const total = rooms + racks + shelves;
  if (total > maxLocations) {
    problems.push(
      `That grid has ${String(total)} locations; one call creates at most ${String(maxLocations)}.`,
    );
  }
  const roomCodes = range(input.firstRoom, rooms).map(roomCode);
  const taken = roomCodes.filter((code) => existingRoomCodes.includes(code));
  if (taken.length > 0) {
    problems.push(`These rooms already exist in ${unitCode}: ${taken.join(', ')}.`);
  }
  const rackCodes = range(1, input.racksPerRoom).map(rackCode);
  const shelfCodes = range(1, input.shelvesPerRack).map((n) => `S${String(n)}`);
  const code = (room?: string, rack?: string, shelf?: string) =>
    [unitCode, room ?? '?', rack ?? '?', shelf ?? '?'].join('/');
  return {
    roomCodes,
    rackCodes,
    shelfCodes,
    racks,
    shelves,
    total,
    crates: shelves * Math.max(input.capacity, 0),
    firstCode: code(roomCodes[0], rackCodes[0], shelfCodes[0]),
    lastCode: code(roomCodes.at(-1), rackCodes.at(-1), shelfCodes.at(-1)),
    problems,
    taken,
  };
}

/** The first room number from which `count` rooms are all free, or null. */
export function nextFreeRoom(existingRoomCodes: readonly string[], count: number): number | null {
  for (let first = 1; first + count - 1 <= GRID_LIMITS.maxPerLevel; first += 1) {
    if (range(first, count).every((n) => !existingRoomCodes.includes(roomCode(n)))) {
      return first;
    }
  }
  return null;
}
