import { formatDate } from '@/lib/format';

interface Retained {
  retention_until: string | null;
  retain_permanently: boolean;
  /** MANUAL | RULE | PENDING_EVENT (a rule waits for an event's date). */
  retention_basis?: string;
}

/**
 * A document's retention in words: "Permanently", "Pending event" (its rule runs from an event
 * whose date is not recorded yet: never eligible for destruction), or the date.
 */
export function retentionText(document: Retained): string {
  if (document.retain_permanently) {
    return 'Permanently';
  }
  if (document.retention_until === null && document.retention_basis === 'PENDING_EVENT') {
    return 'Pending event';
  }
  return formatDate(document.retention_until);
}
