/** A fresh Idempotency-Key for one creation form (a retried submit reuses it). */
export function newIdempotencyKey(): string {
  return typeof crypto.randomUUID === 'function'
    ? crypto.randomUUID()
    : `${String(Date.now())}-${String(Math.random())}`;
}
