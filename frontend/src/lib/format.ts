/**
 * Dates as people in a regulated plant read them: unambiguous, with the time zone named.
 * Screens show the viewer's own zone ("6 Dec 2026, 14:05 CET"); signatures show UTC, as their
 * manifestation must read the same to everyone (21 CFR 11.50), and so do the exports.
 */
// dateStyle/timeStyle cannot be combined with timeZoneName, hence the explicit fields.
const FIELDS: Intl.DateTimeFormatOptions = {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
  timeZoneName: 'short',
};
const formatters = new Map<string, Intl.DateTimeFormat>();
const dateOnly = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: 'UTC' });

/** The viewer's zone, read when a time is shown (a formatter built once would keep the zone the
 *  page loaded with). */
function viewerTimeZone(): string {
  return new Intl.DateTimeFormat().resolvedOptions().timeZone;
}

function formatterFor(timeZone: string, seconds: boolean): Intl.DateTimeFormat {
  const key = `${timeZone}|${String(seconds)}`;
  let formatter = formatters.get(key);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-GB', {
      ...FIELDS,
      ...(seconds ? { second: '2-digit' } : {}),
      timeZone,
    });
    formatters.set(key, formatter);
  }
  return formatter;
}

function format(value: string | null | undefined, timeZone: string, seconds: boolean): string {
  if (value === null || value === undefined || value === '') {
    return '—';
  }
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : formatterFor(timeZone, seconds).format(date);
}

/** A moment in the viewer's time zone, named: "6 Dec 2026, 14:05 CET". */
export function formatDateTime(
  value: string | null | undefined,
  { seconds = false }: { seconds?: boolean } = {},
): string {
  return format(value, viewerTimeZone(), seconds);
}

/** A moment in UTC to the second, for signatures: "6 Dec 2026, 13:05:09 UTC". */
export function formatDateTimeUtc(value: string | null | undefined): string {
  return format(value, 'UTC', true);
}

/** A calendar date (YYYY-MM-DD) without shifting it through the local zone. */
export function formatDate(value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') {
    return '—';
  }
  const date = new Date(`${value}T00:00:00Z`);
  return Number.isNaN(date.getTime()) ? value : dateOnly.format(date);
}

export function humanize(value: string): string {
  const text = value.replaceAll('_', ' ').toLowerCase();
  return text.charAt(0).toUpperCase() + text.slice(1);
}
