/**
 * One deadline rule applied to one unit: on time, late, not yet due or not assessable. Pure.
 *
 * - `not_assessable`: the anchor is missing or `ukendt`, or the target date is `ukendt`.
 * - the target date is there: `on_time` when it is no later than the deadline (the deadline day
 *   itself is on time), else `late`.
 * - no target date (it has not happened by the review date): `late` when the review date is past
 *   the deadline, else `not_yet_due` (left out of every base).
 *
 * @example assessDeadline('2016-01-31', '2016-02-29', { months: 1 }, '2016-06-30').outcome // 'on_time'
 */
import { addDuration, daysBetween, type Duration, type IsoDate } from './dates.ts';

/** A date as recorded: a date, `null` (has not happened by the review date) or `ukendt` (not recorded). */
export type DateCell = IsoDate | null | 'ukendt';

export type Outcome = 'on_time' | 'late' | 'not_yet_due' | 'not_assessable';

export interface Assessment {
  outcome: Outcome;
  deadline?: IsoDate;
  /** Whether the target date is there (false for a late unit that has not happened). */
  done: boolean;
  /** Target − anchor in days, when both are dates. */
  days?: number;
  /** Target − deadline in days, when the target is a date. */
  delay?: number;
  /** The target date, when it is one. */
  target?: IsoDate;
}

export function assessDeadline(anchor: DateCell, target: DateCell, within: Duration, review: IsoDate): Assessment {
  if (anchor === null || anchor === 'ukendt') return { outcome: 'not_assessable', done: false };
  const deadline = addDuration(anchor, within);
  if (target === 'ukendt') return { outcome: 'not_assessable', deadline, done: false };
  if (target === null) return { outcome: daysBetween(deadline, review) > 0 ? 'late' : 'not_yet_due', deadline, done: false };
  const delay = daysBetween(deadline, target);
  return { outcome: delay <= 0 ? 'on_time' : 'late', deadline, done: true, days: daysBetween(anchor, target), delay, target };
}
