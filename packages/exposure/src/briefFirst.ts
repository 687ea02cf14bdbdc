/**
 * @module briefFirst
 * One short list for the security team: the people to brief first, each once, with every
 * reason that puts them there. Those whose calls give the principal's circle away come first
 * (they should move to Hardline), then those an influence-seeker would approach.
 */
import type { ExposureReport } from './circleReport.ts';
import type { Recommendation } from './recommendations.ts';

export type BriefingTarget = {
  readonly who: string;
  readonly name: string | undefined;
  readonly reasons: readonly string[];
};

export function briefFirst(report: ExposureReport, limit = 8): BriefingTarget[] {
  const out = new Map<string, { who: string; name: string | undefined; reasons: string[] }>();
  const add = (r: Recommendation) => {
    const seen = out.get(r.who);
    if (seen) seen.reasons.push(r.reason);
    else out.set(r.who, { who: r.who, name: r.name, reasons: [r.reason] });
  };
  report.recommendations.moveToHardline.forEach(add);
  report.recommendations.briefAsTargets.forEach(add);
  return [...out.values()].slice(0, limit);
}
