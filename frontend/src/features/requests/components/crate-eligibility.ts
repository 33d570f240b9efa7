import type { Crate } from '@/lib/api/types';

/** Why a transfer cannot be raised for the crate (PRODUCT.md §1 "Requests"), or null. */
export function transferBlocker(crate: Pick<Crate, 'status'>): string | null {
  return crate.status === 'IN_STORAGE' ? null : 'Only a crate in storage can be transferred.';
}

/**
 * Why a destruction cannot be raised for the crate, or null. `today` is YYYY-MM-DD. The server
 * checks the same (and that no other request is open for the crate).
 */
export function destructionBlocker(
  crate: Pick<Crate, 'status' | 'legal_hold' | 'retain_permanently' | 'destroy_after'>,
  today: string,
): string | null {
  if (crate.status !== 'IN_STORAGE') {
    return 'Only a crate in storage can be destroyed.';
  }
  if (crate.legal_hold) {
    return 'On legal hold: it cannot be destroyed until the hold is released.';
  }
  if (crate.retain_permanently || crate.destroy_after === null) {
    return 'Retained permanently.';
  }
  if (crate.destroy_after > today) {
    return `Must be kept until ${crate.destroy_after}.`;
  }
  return null;
}
