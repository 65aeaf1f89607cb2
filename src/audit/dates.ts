/**
 * Calendar dates as `YYYY-MM-DD` strings and legal deadlines on them. Pure.
 *
 * A deadline is an anchor date plus calendar months (the day clamped to the target month's last
 * day, as "senest 1 måned efter" is read: 2016-01-31 + 1 month = 2016-02-29, 2015-01-31 + 1 month
 * = 2015-02-28) or plus days or weeks. A date on the deadline day is on time.
 *
 * @example addDuration('2016-01-31', { months: 1 }) // '2016-02-29'
 */
export type IsoDate = string;

export interface Duration {
  months?: number;
  weeks?: number;
  days?: number;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;
const DANISH = /^(\d{2})-(\d{2})-(\d{4})$/;

/** Days in a month (month 1–12), with the Gregorian leap-year rule. */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function valid(y: number, m: number, d: number): boolean {
  return y >= 1900 && y <= 2999 && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** A real calendar date typed `yyyy-mm-dd` or `dd-mm-yyyy`, as `YYYY-MM-DD`; undefined when it is not one. */
export function parseDate(text: string): IsoDate | undefined {
  const t = text.trim();
  let y: number, m: number, d: number;
  let match = ISO.exec(t);
  if (match) [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  else if ((match = DANISH.exec(t))) [d, m, y] = [Number(match[1]), Number(match[2]), Number(match[3])];
  else return undefined;
  return valid(y, m, d) ? `${pad(y, 4)}-${pad(m)}-${pad(d)}` : undefined;
}

function parts(date: IsoDate): [number, number, number] {
  const match = ISO.exec(date);
  if (!match || !valid(Number(match[1]), Number(match[2]), Number(match[3]))) throw new RangeError(`not a calendar date (YYYY-MM-DD): "${date}"`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

/** Days since 1970-01-01. */
export function dayNumber(date: IsoDate): number {
  const [y, m, d] = parts(date);
  return Date.UTC(y, m - 1, d) / 86_400_000;
}

function fromDayNumber(day: number): IsoDate {
  const t = new Date(day * 86_400_000);
  return `${pad(t.getUTCFullYear(), 4)}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
}

/** `to − from` in days (negative when `to` is earlier). */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return dayNumber(to) - dayNumber(from);
}

/** The date plus calendar months (day clamped to the month's end), then weeks and days. */
export function addDuration(date: IsoDate, duration: Duration): IsoDate {
  let [y, m, d] = parts(date);
  const months = duration.months ?? 0;
  if (months !== 0) {
    const index = y * 12 + (m - 1) + months;
    y = Math.floor(index / 12);
    m = (index % 12) + 1;
    d = Math.min(d, daysInMonth(y, m));
  }
  const days = (duration.weeks ?? 0) * 7 + (duration.days ?? 0);
  return fromDayNumber(Date.UTC(y, m - 1, d) / 86_400_000 + days);
}

/** A duration in words, as a rule is described: "1 måned", "30 dage", "6 uger". */
export function durationText(duration: Duration): string {
  const bits: string[] = [];
  if (duration.months) bits.push(`${duration.months} ${duration.months === 1 ? 'måned' : 'måneder'}`);
  if (duration.weeks) bits.push(`${duration.weeks} ${duration.weeks === 1 ? 'uge' : 'uger'}`);
  if (duration.days) bits.push(`${duration.days} ${duration.days === 1 ? 'dag' : 'dage'}`);
  return bits.join(' og ') || '0 dage';
}
