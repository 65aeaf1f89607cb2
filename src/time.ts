/**
 * The only clock praksis keeps: the date in Denmark (YYYY-MM-DD). Responses, drafts and the
 * fieldwork window use days, never a time of day.
 */
const format = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Copenhagen', year: 'numeric', month: '2-digit', day: '2-digit' });

/** The date in Denmark at `now` (default: now). */
export function danishDay(now: Date = new Date()): string {
  return format.format(now);
}
