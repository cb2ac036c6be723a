/**
 * Dates for people, in their locale. Building an `Intl` formatter costs about a hundred times more
 * than using one (hundreds of µs against a few), and tables format thousands of dates, so each
 * formatter is built once and kept.
 */
const dateFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
});

function parse(iso: string | undefined): Date | undefined {
  if (!iso) return undefined;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** "23 Nov 2026", or an em dash when the provider did not say. */
export function formatDate(iso: string | undefined): string {
  const d = parse(iso);
  return d ? dateFormat.format(d) : '—';
}

/** Full date and time for a tooltip. */
export function formatDateTime(iso: string | undefined): string | undefined {
  const d = parse(iso);
  return d ? dateTimeFormat.format(d) : undefined;
}
