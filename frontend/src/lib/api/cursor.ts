/** The `cursor` parameter of a cursor page's `next`/`previous` URL. */
export function cursorOf(link: string | null | undefined): string | undefined {
  if (link === null || link === undefined) {
    return undefined;
  }
  return new URL(link, window.location.origin).searchParams.get('cursor') ?? undefined;
}
