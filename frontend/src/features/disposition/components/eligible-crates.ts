import { ApiError } from '@/lib/api-client';
import type { EligibleCrate } from '@/lib/api/types';

/** The server's refusal of single crates (409 `crates_not_eligible`): crate id → message. */
export function crateRefusals(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError)) {
    return {};
  }
  const crates = error.details.crates;
  if (typeof crates !== 'object' || crates === null || Array.isArray(crates)) {
    return {};
  }
  return Object.fromEntries(
    Object.entries(crates as Record<string, unknown>).map(([crate, messages]) => [
      crate,
      Array.isArray(messages) ? messages.map(String).join(' ') : String(messages),
    ]),
  );
}

/** Crates an open request or another open batch holds: no batch can take them until it closes. */
export function isClaimed(crate: Pick<EligibleCrate, 'claimed_by'>): boolean {
  return crate.claimed_by !== null;
}

/** The chosen crates that may still go into a batch (not held by a request or batch). */
export function choosable(selected: ReadonlySet<number>, rows: readonly EligibleCrate[]): number[] {
  const claimed = new Set(rows.filter(isClaimed).map((crate) => crate.id));
  return [...selected].filter((crateId) => !claimed.has(crateId));
}
