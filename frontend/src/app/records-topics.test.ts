import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';

import { crateKeys } from '@/entities/crates/crate-keys';
import { batchKeys } from '@/features/disposition/api/batch-keys';
import { documentKeys } from '@/entities/documents/document-keys';
import { locationKeys } from '@/entities/locations/location-keys';
import { retentionKeys } from '@/features/retention/api/retention-keys';
import type { RealtimeEvent } from '@/lib/api/types';
import { invalidateForEvent } from '@/lib/realtime/topics';

import { TOPIC_KEYS } from './realtime-topics';

function event(
  topic: RealtimeEvent['topic'],
  objectId: string,
  data: Record<string, unknown> = {},
): RealtimeEvent {
  return {
    id: 1,
    type: 'event',
    topic,
    action: 'updated',
    object_id: objectId,
    unit_id: 1,
    version: 2,
    data,
    at: '',
  };
}

function cached(keys: readonly (readonly unknown[])[]): QueryClient {
  const client = new QueryClient();
  for (const key of keys) {
    client.setQueryData(key, 'cached');
  }
  return client;
}

describe('live events for records screens', () => {
  it("a crate event refreshes the request screens' crate pickers and shelves", () => {
    const keys = [
      crateKeys.search('bmr'),
      crateKeys.destructible(''),
      locationKeys.shelves(1),
      locationKeys.targetShelves(),
    ];
    const client = cached(keys);
    invalidateForEvent(client, TOPIC_KEYS, event('crate', '5'));
    const stale = keys.map((key) => client.getQueryState(key)?.isInvalidated);
    expect(stale).toEqual([true, true, true, true]);
  });

  it('a crate event refreshes crates, their documents and the occupancy of locations', () => {
    const keys = [
      crateKeys.list({}),
      crateKeys.detail(5),
      documentKeys.list({ search: 'bmr' }),
      locationKeys.tree(null, false),
      locationKeys.detail(9),
      documentKeys.types(),
    ];
    const client = cached(keys);
    invalidateForEvent(client, TOPIC_KEYS, event('crate', '5'));
    const stale = keys.map((key) => client.getQueryState(key)?.isInvalidated);
    expect(stale).toEqual([true, true, true, true, true, false]);
  });

  it("a request event refreshes the crate's open request", () => {
    const client = cached([crateKeys.requests(5), crateKeys.detail(5)]);
    invalidateForEvent(client, TOPIC_KEYS, event('request', '12'));
    expect(client.getQueryState(crateKeys.requests(5))?.isInvalidated).toBe(true);
    expect(client.getQueryState(crateKeys.detail(5))?.isInvalidated).toBe(false);
  });

  it('a location event refreshes the tree and the details', () => {
    const client = cached([locationKeys.tree(1, true), locationKeys.detail(3)]);
    invalidateForEvent(client, TOPIC_KEYS, event('location', '3'));
    expect(client.getQueryState(locationKeys.tree(1, true))?.isInvalidated).toBe(true);
    expect(client.getQueryState(locationKeys.detail(3))?.isInvalidated).toBe(true);
  });

  it("a batch event refreshes the batch lists, that batch's page and the crates, not other batches", () => {
    const keys = [
      batchKeys.list({}),
      batchKeys.list({ status: ['APPROVED'] }),
      batchKeys.detail(5),
      batchKeys.detail(6),
      crateKeys.detail(31),
    ];
    const client = cached(keys);
    invalidateForEvent(client, TOPIC_KEYS, event('batch', '5'));
    const stale = keys.map((key) => client.getQueryState(key)?.isInvalidated);
    expect(stale).toEqual([true, true, true, false, true]);
  });

  it('a rule event refreshes the schedule and the rule; an approval also what it recomputed', () => {
    const keys = [
      retentionKeys.list({}),
      retentionKeys.versions('BMR-EXP+1Y'),
      retentionKeys.detail(8),
      crateKeys.forecast({ period: 'month' }),
      crateKeys.eligible({}),
      documentKeys.list({}),
      retentionKeys.eventDates(),
    ];
    const drafted = cached(keys);
    invalidateForEvent(drafted, TOPIC_KEYS, event('rule', '8', { status: 'DRAFT' }));
    expect(keys.map((key) => drafted.getQueryState(key)?.isInvalidated)).toEqual([
      true,
      true,
      true,
      false,
      false,
      false,
      false,
    ]);
    const approved = cached(keys);
    invalidateForEvent(approved, TOPIC_KEYS, event('rule', '8', { status: 'APPROVED' }));
    expect(keys.map((key) => approved.getQueryState(key)?.isInvalidated)).toEqual([
      true,
      true,
      true,
      true,
      true,
      true,
      false,
    ]);
  });

  it('an event-date event refreshes the recorded dates and the retention they move, not the schedule', () => {
    const keys = [
      retentionKeys.eventDates(),
      crateKeys.forecast({ period: 'month' }),
      crateKeys.detail(31),
      documentKeys.list({}),
      retentionKeys.list({}),
    ];
    const client = cached(keys);
    invalidateForEvent(client, TOPIC_KEYS, event('event_date', '3'));
    expect(keys.map((key) => client.getQueryState(key)?.isInvalidated)).toEqual([
      true,
      true,
      true,
      true,
      false,
    ]);
  });
});
