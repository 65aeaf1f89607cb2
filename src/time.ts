/**
 * The only clock praksis keeps: the date in Denmark (YYYY-MM-DD). Responses, drafts and the
 * fieldwork window use days, never a time of day.
 */
const format = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Copenhagen', year: 'numeric', month: '2-digit', day: '2-digit' });

let last = { second: Number.NaN, day: '' };

/** The date in Denmark at `now` (default: now). Formatting with a time zone costs microseconds, so one result is kept per second. */
export function danishDay(now: Date = new Date()): string {
  const second = Math.floor(now.getTime() / 1000);
  if (second !== last.second) last = { second, day: format.format(now) };
  return last.day;
}
