import { ApiError } from '@/lib/api-client';

/** The server refused a change because the rule changed since it was read (409). */
export function isStale(error: unknown): boolean {
  return error instanceof ApiError && error.code === 'stale_version';
}
