/**
 * The Kaplan–Meier estimator, as R's `survival::survfit(Surv(time, status) ~ 1)` gives it for
 * unweighted data: one row per distinct time (events and censorings), the number at risk, events,
 * censored, the survival S(t) = Π (1 − d/n), `stdErr` = the Greenwood standard error of −log S
 * (`fit$std.err`: √Σ d/(n(n − d)), infinite once S = 0) and `se` = S · stdErr (`summary(fit)$std.err`).
 *
 * @example kaplanMeier([3, 5, 5, 8], [true, true, false, true]).survival // [0.75, 0.5, 0.5, 0]
 */
import { problems } from '../errors.ts';

export interface SurvivalCurve {
  n: number;
  time: number[];
  nRisk: number[];
  nEvent: number[];
  nCensor: number[];
  survival: number[];
  stdErr: number[];
  se: number[];
}

export function kaplanMeier(time: readonly number[], event: readonly boolean[]): SurvivalCurve {
  if (time.length !== event.length) throw problems.invalidInput(`kaplanMeier: ${time.length} times for ${event.length} statuses`);
  if (time.length === 0) throw problems.invalidInput('kaplanMeier: no observations');
  time.forEach((t, i) => {
    if (!Number.isFinite(t)) throw problems.invalidInput(`kaplanMeier: time ${i + 1} is not a number (${t})`);
  });
  const order = time.map((_, i) => i).sort((a, b) => time[a]! - time[b]!);
  const curve: SurvivalCurve = { n: time.length, time: [], nRisk: [], nEvent: [], nCensor: [], survival: [], stdErr: [], se: [] };
  let atRisk = time.length;
  let s = 1;
  let greenwood = 0;
  for (let k = 0; k < order.length; ) {
    const t = time[order[k]!]!;
    let d = 0;
    let c = 0;
    while (k < order.length && time[order[k]!] === t) {
      if (event[order[k]!]) d += 1;
      else c += 1;
      k += 1;
    }
    s *= 1 - d / atRisk;
    greenwood += d === 0 ? 0 : d === atRisk ? Infinity : d / (atRisk * (atRisk - d));
    const stdErr = Math.sqrt(greenwood);
    curve.time.push(t);
    curve.nRisk.push(atRisk);
    curve.nEvent.push(d);
    curve.nCensor.push(c);
    curve.survival.push(s);
    curve.stdErr.push(stdErr);
    curve.se.push(s * stdErr);
    atRisk -= d + c;
  }
  return curve;
}
