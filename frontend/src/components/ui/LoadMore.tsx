import { Button, Group, Text } from '@mantine/core';

/** The part of a TanStack infinite query a paged list shows. */
export interface PagedQuery {
  isSuccess: boolean;
  isLoading: boolean;
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => Promise<unknown>;
}

/** Under a paged table: "no rows" once loaded empty, "Loading…" at first. */
export function ListStatus({
  query,
  rows,
  emptyText,
}: {
  query: PagedQuery;
  rows: number;
  emptyText: string;
}) {
  if (query.isSuccess && rows === 0) {
    return (
      <Text p="md" c="dimmed">
        {emptyText}
      </Text>
    );
  }
  if (query.isLoading) {
    return (
      <Text p="md" c="dimmed">
        Loading…
      </Text>
    );
  }
  return null;
}

/** The button that fetches a paged list's next page, while there is one. */
export function LoadMore({
  query,
  label = 'Load more',
  inset = false,
}: {
  query: PagedQuery;
  label?: string;
  /** Inside the table's frame (padded) rather than below it. */
  inset?: boolean;
}) {
  if (!query.hasNextPage) {
    return null;
  }
  return (
    <Group justify="center" p={inset ? 'md' : 0}>
      <Button
        variant="default"
        loading={query.isFetchingNextPage}
        onClick={() => {
          void query.fetchNextPage();
        }}
      >
        {label}
      </Button>
    </Group>
  );
}
