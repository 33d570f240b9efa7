import { useEffect } from 'react';

export const APP_NAME = 'Strongroom';

/** "Crate C-000123 · Strongroom"; the application's name alone when there is no page title. */
export function documentTitle(title: string | null | undefined): string {
  return title ? `${title} · ${APP_NAME}` : APP_NAME;
}

/**
 * The browser tab's (and a screen reader's) name of the page: every route sets its own, so
 * tabs, history and bookmarks tell pages apart (WCAG 2.4.2). `null` leaves the title to the
 * page inside (a parent's effect runs after its children's).
 */
export function useDocumentTitle(title: string | null): void {
  useEffect(() => {
    if (title !== null) {
      document.title = documentTitle(title);
    }
  }, [title]);
}
