/** Days since verification: when an inventory audit that covered a shelf was last closed. */

export type HeatMapMode = 'occupancy' | 'verified';

export type VerificationBand = 'month' | 'quarter' | 'year' | 'older' | 'never' | 'none';

/** What the heat map needs of a node: its kind, its own date and its children. */
export interface VerifiableNode {
  kind: string;
  is_active: boolean;
  last_verified_at: string | null;
  children: readonly VerifiableNode[];
}

/**
 * A shelf: its own verification. A rack or room: its active shelves', the oldest first — a
 * shelf never verified makes the whole rack "never" (it has never been checked in full).
 */
export interface Verification {
  /** Active shelves counted (1 for a shelf). */
  shelves: number;
  /** Of them, never verified. */
  never: number;
  /** The oldest verification among the verified ones; null when none is. */
  oldest: string | null;
}

const DAY_MS = 86_400_000;

export function verificationOf(node: VerifiableNode): Verification {
  if (node.kind === 'SHELF') {
    const at = node.last_verified_at ?? null;
    return { shelves: 1, never: at === null ? 1 : 0, oldest: at };
  }
  let shelves = 0;
  let never = 0;
  let oldest: string | null = null;
  for (const child of node.children) {
    if (!child.is_active) {
      continue;
    }
    const sub = verificationOf(child);
    shelves += sub.shelves;
    never += sub.never;
    if (sub.oldest !== null && (oldest === null || Date.parse(sub.oldest) < Date.parse(oldest))) {
      oldest = sub.oldest;
    }
  }
  return { shelves, never, oldest };
}

/** Whole days from ``iso`` to ``now`` (0 on the day itself, never negative). */
export function daysSince(iso: string, now: Date): number {
  return Math.max(0, Math.floor((now.getTime() - Date.parse(iso)) / DAY_MS));
}

/** The band a node falls in by its oldest shelf: ≤ 30, ≤ 90, ≤ 365, > 365 days, never, none. */
export function verificationBand(value: Verification, now: Date): VerificationBand {
  if (value.shelves === 0) {
    return 'none';
  }
  if (value.never > 0 || value.oldest === null) {
    return 'never';
  }
  const days = daysSince(value.oldest, now);
  if (days <= 30) {
    return 'month';
  }
  if (days <= 90) {
    return 'quarter';
  }
  return days <= 365 ? 'year' : 'older';
}

function dayWord(days: number): string {
  return days === 1 ? '1 day' : `${String(days)} days`;
}

/** Short form for a cell: "12 d" or "never". */
export function verificationShort(value: Verification, now: Date): string {
  if (value.shelves === 0) {
    return '—';
  }
  if (value.never > 0 || value.oldest === null) {
    return 'never';
  }
  return `${String(daysSince(value.oldest, now))} d`;
}

/** The words the colour stands for: "verified 12 days ago (2026-11-24)", "never verified", or for
 * a rack or room "oldest shelf verified 400 days ago; 2 of 8 shelves never verified". */
export function verificationText(value: Verification, now: Date): string {
  if (value.shelves === 0) {
    return 'no active shelves';
  }
  const dated =
    value.oldest === null
      ? null
      : `verified ${dayWord(daysSince(value.oldest, now))} ago (${value.oldest.slice(0, 10)})`;
  if (value.shelves === 1) {
    return dated ?? 'never verified';
  }
  const never =
    value.never === 0
      ? null
      : `${String(value.never)} of ${String(value.shelves)} shelves never verified`;
  const oldest = dated === null ? null : `oldest shelf ${dated}`;
  return [oldest, never].filter((part) => part !== null).join('; ');
}

/**
 * Light backgrounds with near-black text (contrast ≥ 7:1), from green (recent) to red (over a
 * year). "Never" is not a colour: a hatched pattern and the word in every cell.
 */
export const BAND_COLORS: Record<VerificationBand, string> = {
  month: '#d3f9d8',
  quarter: '#fff3bf',
  year: '#ffd8a8',
  older: '#ffc9c9',
  never: 'repeating-linear-gradient(135deg, #ffffff 0 5px, #ced4da 5px 7px)',
  none: '#f1f3f5',
};

export const BAND_LABELS: Record<VerificationBand, string> = {
  month: '30 days or less',
  quarter: '31–90 days',
  year: '91–365 days',
  older: 'Over a year',
  never: 'Never verified (hatched)',
  none: 'No shelves',
};

export const BANDS: VerificationBand[] = ['month', 'quarter', 'year', 'older', 'never', 'none'];
