/**
 * Records which objects this tab is changing right now, so a live event caused by our own
 * action does not raise "someone else changed this" (events carry no actor).
 */
const OWN_WINDOW_MS = 8000;
const own = new Map<string, number>();

function key(topic: string, objectId: string | number): string {
  return `${topic}:${String(objectId)}`;
}

export function markOwnChange(topic: string, objectId: string | number, now = Date.now()): void {
  own.set(key(topic, objectId), now);
}

export function isOwnChange(topic: string, objectId: string | number, now = Date.now()): boolean {
  const at = own.get(key(topic, objectId));
  return at !== undefined && now - at < OWN_WINDOW_MS;
}
