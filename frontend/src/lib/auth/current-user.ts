import { createContext, useContext } from 'react';

import type { Me } from '@/lib/api/types';

export const CurrentUserContext = createContext<Me | null>(null);

/** The signed-in user; only inside the authenticated part of the app. */
export function useCurrentUser(): Me {
  const me = useContext(CurrentUserContext);
  if (me === null) {
    throw new Error('useCurrentUser outside the signed-in app');
  }
  return me;
}
