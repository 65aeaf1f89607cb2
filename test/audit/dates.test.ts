import { describe, expect, it } from 'vitest';
import { addDuration, assessDeadline, daysBetween, daysInMonth, durationText, parseDate } from '../../src/audit/index.ts';

describe('calendar months, clamped to the month end', () => {
  it.each([
    ['2016-01-31', 1, '2016-02-29'], // leap year
    ['2015-01-31', 1, '2015-02-28'],
    ['2000-01-31', 1, '2000-02-29'], // divisible by 400: leap
    ['1900-01-31', 1, '1900-02-28'], // divisible by 100: not leap
    ['2016-03-31', 1, '2016-04-30'],
    ['2016-01-30', 1, '2016-02-29'],
    ['2016-02-29', 1, '2016-03-29'], // not back to the month end
    ['2016-02-29', 12, '2017-02-28'],
    ['2014-11-30', 3, '2015-02-28'],
    ['2014-12-15', 1, '2015-01-15'], // over the year end
    ['2015-12-31', 2, '2016-02-29'],
    ['2014-05-31', 3, '2014-08-31'],
    ['2014-01-15', 0, '2014-01-15'],
  ])('%s + %i months = %s', (date, months, expected) => {
    expect(addDuration(date, { months })).toBe(expected);
  });

  it('days and weeks count calendar days, across month and leap days', () => {
    expect(addDuration('2016-02-28', { days: 1 })).toBe('2016-02-29');
    expect(addDuration('2015-02-28', { days: 1 })).toBe('2015-03-01');
    expect(addDuration('2014-12-20', { days: 30 })).toBe('2015-01-19');
    expect(addDuration('2016-02-01', { weeks: 6 })).toBe('2016-03-14');
    expect(addDuration('2019-01-31', { weeks: 4 })).toBe('2019-02-28');
  });

  it('days between dates, and days in a month', () => {
    expect(daysBetween('2016-01-01', '2017-01-01')).toBe(366);
    expect(daysBetween('2015-01-01', '2016-01-01')).toBe(365);
    expect(daysBetween('2016-03-01', '2016-02-28')).toBe(-2);
    expect([daysInMonth(2016, 2), daysInMonth(2015, 2), daysInMonth(2100, 2), daysInMonth(2014, 4)]).toEqual([29, 28, 28, 30]);
  });

  it('reads yyyy-mm-dd and dd-mm-yyyy, and only real calendar dates', () => {
    expect(parseDate('2016-02-29')).toBe('2016-02-29');
    expect(parseDate('29-02-2016')).toBe('2016-02-29');
    expect(parseDate(' 01-12-2014 ')).toBe('2014-12-01');
    for (const bad of ['2015-02-29', '29-02-2015', '2016-13-01', '2016-04-31', '31/01/2016', '2016-1-5', '', 'ukendt', '20160101']) {
      expect(parseDate(bad), bad).toBeUndefined();
    }
    expect(() => addDuration('2015-02-29', { days: 1 })).toThrow(/not a calendar date/);
  });

  it('says a duration in words', () => {
    expect([durationText({ months: 1 }), durationText({ months: 3 }), durationText({ days: 30 }), durationText({ weeks: 6 })]).toEqual(['1 måned', '3 måneder', '30 dage', '6 uger']);
  });
});

describe('a deadline rule per unit', () => {
  const review = '2016-06-30';
  it('a date on the deadline day is on time; the day after is late', () => {
    expect(assessDeadline('2016-01-31', '2016-02-29', { months: 1 }, review)).toMatchObject({ outcome: 'on_time', deadline: '2016-02-29', days: 29, delay: 0, done: true });
    expect(assessDeadline('2016-01-31', '2016-03-01', { months: 1 }, review)).toMatchObject({ outcome: 'late', delay: 1, days: 30 });
    expect(assessDeadline('2015-01-31', '2015-02-28', { months: 1 }, review)).toMatchObject({ outcome: 'on_time', delay: 0 });
    expect(assessDeadline('2015-01-31', '2015-03-01', { months: 1 }, review)).toMatchObject({ outcome: 'late', delay: 1 });
    expect(assessDeadline('2016-01-10', '2016-01-10', { months: 1 }, review)).toMatchObject({ outcome: 'on_time', days: 0 });
    expect(assessDeadline('2016-03-01', '2016-03-31', { days: 30 }, review)).toMatchObject({ outcome: 'on_time', delay: 0 });
    expect(assessDeadline('2016-03-01', '2016-04-01', { days: 30 }, review)).toMatchObject({ outcome: 'late', delay: 1 });
  });

  it('no date yet: late when the review date is past the deadline, otherwise not yet due', () => {
    expect(assessDeadline('2016-01-31', null, { months: 1 }, '2016-03-01')).toMatchObject({ outcome: 'late', done: false, deadline: '2016-02-29' });
    expect(assessDeadline('2016-01-31', null, { months: 1 }, '2016-02-29')).toMatchObject({ outcome: 'not_yet_due', done: false });
    expect(assessDeadline('2016-01-31', null, { months: 1 }, '2016-02-10')).toMatchObject({ outcome: 'not_yet_due' });
  });

  it('a needed date recorded as ukendt (or no anchor) is not assessable', () => {
    expect(assessDeadline('2016-01-31', 'ukendt', { months: 1 }, review).outcome).toBe('not_assessable');
    expect(assessDeadline('ukendt', '2016-02-01', { months: 1 }, review).outcome).toBe('not_assessable');
    expect(assessDeadline(null, '2016-02-01', { months: 1 }, review).outcome).toBe('not_assessable');
  });
});
