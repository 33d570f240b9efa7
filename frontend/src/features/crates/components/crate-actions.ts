import type { CrateDetail, Me } from '@/lib/api/types';
import { PERMISSIONS, can } from '@/lib/auth/permissions';

export interface HoldSpec {
  action: 'place' | 'release';
  label: string;
  /** The signature's meaning as the server records it (HOLD_PLACED / HOLD_RELEASED). */
  meaning: string;
  verb: string;
  color: string;
}

export const PLACE_HOLD: HoldSpec = {
  action: 'place',
  label: 'Place legal hold',
  meaning: 'Legal hold placed',
  verb: 'place the hold',
  color: 'red',
};

export const RELEASE_HOLD: HoldSpec = {
  action: 'release',
  label: 'Release legal hold',
  meaning: 'Legal hold released',
  verb: 'release the hold',
  color: 'orange',
};

export interface CrateActions {
  printLabel: boolean;
  hold: HoldSpec | null;
}

/**
 * What the user may do with this crate: print its label (`records.print_label`) and place or
 * release a legal hold (`records.place_legal_hold`; not on a destroyed crate). The server
 * checks the same permissions and the unit; the screen only hides what would be refused.
 */
export function crateActions(
  me: Pick<Me, 'permissions'>,
  crate: Pick<CrateDetail, 'status' | 'legal_hold'>,
): CrateActions {
  const destroyed = crate.status === 'DESTROYED';
  return {
    printLabel: can(me, PERMISSIONS.printLabel) && !destroyed,
    hold:
      can(me, PERMISSIONS.placeLegalHold) && !destroyed
        ? crate.legal_hold
          ? RELEASE_HOLD
          : PLACE_HOLD
        : null,
  };
}
