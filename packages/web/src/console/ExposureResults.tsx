/**
 * @module console/ExposureResults
 * The exposure report as the console shows it: whom to brief first (each with an invite to
 * Hardline), the principal's ranked partners, and the paths by which someone could reach the
 * principal through an adviser.
 */
import { useState } from 'preact/hooks';
import { briefFirst, formatDate, formatTalkTime, partnerLabel, type ExposureReport } from '@hardline/exposure/browser';
import { keepExposure } from './keptExposure.ts';

const TOP_PARTNERS = 10;
const TOP_PATHS = 6;

type Props = {
  readonly report: ExposureReport;
  readonly invite: (() => Promise<string>) | undefined;
  /** Called once the team kept a summary for the morning briefing. */
  readonly onKept?: () => void;
};

export function ExposureResults({ report, invite, onKept }: Props) {
  const [kept, setKept] = useState(false);
  const principal = report.people[0]!;
  const targets = briefFirst(report);
  const paths = report.influence.contacts.slice(0, TOP_PATHS);
  return (
    <div data-exposure-results>
      <p>
        {principal.records} calls and messages with {principal.partnerCount} people over {principal.observedWeeks} weeks
        ({formatDate(principal.firstMs, report.utcOffsetMinutes)} to {formatDate(principal.lastMs, report.utcOffsetMinutes)})
        {report.people.length > 1 ? `, and the logs of ${report.people.length - 1} adviser${report.people.length > 2 ? 's' : ''}` : ''}.
      </p>

      <p class="console-row">
        <button class="secondary" type="button" data-keep-exposure disabled={kept} onClick={() => { keepExposure(report); setKept(true); onKept?.(); }}>
          {kept ? 'Kept for the morning briefing' : 'Keep a summary for the morning briefing'}
        </button>
        <span class="muted">Kept in this browser only, never sent to the relay.</span>
      </p>

      <h3>Brief these people first</h3>
      <ol class="exposure-brief" data-brief-first>
        {targets.map((t) => (
          <li key={t.who} data-target={t.who}>
            <strong>{partnerLabel(t.who, t.name)}</strong>
            <ul class="muted">{t.reasons.map((r) => <li key={r}>{r}</li>)}</ul>
            <InviteButton invite={invite} />
          </li>
        ))}
      </ol>

      <h3>Ranked partners of the principal</h3>
      <table class="console-table" data-ranked-partners>
        <thead><tr><th>#</th><th>Partner</th><th>Score</th><th>Contacts</th><th>Talk</th><th>Active weeks</th><th>Last</th></tr></thead>
        <tbody>
          {principal.ranking.slice(0, TOP_PARTNERS).map((p) => (
            <tr key={p.partner}>
              <td>{p.rank}</td><td>{partnerLabel(p.partner, p.name)}</td><td>{Math.round(p.score)}</td><td>{p.contacts}</td>
              <td>{formatTalkTime(p.talkSec)}</td><td>{p.activeWeeks}</td><td>{formatDate(p.lastMs, report.utcOffsetMinutes)}</td>
            </tr>
          ))}
        </tbody>
      </table>

      <h3>Influence paths</h3>
      {paths.length === 0 ? (
        <p class="muted">Add an adviser's call log to see who could reach the principal through them.</p>
      ) : (
        <ul class="exposure-paths" data-influence-paths>
          {paths.map((c) => (
            <li key={c.partner}>
              <strong>{partnerLabel(c.partner, c.name)}</strong> (influence {Math.round(c.influence * 100)}/100):{' '}
              {[...(c.direct > 0 ? ['directly'] : []), ...c.paths.map((p) => `via ${p.via} (${Math.round(p.strength * 100)}/100)`)].join(', ')}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** One signed, one-time invite per person; the code names no one, so the relay learns no name. */
function InviteButton({ invite }: { invite: Props['invite'] }) {
  const [link, setLink] = useState('');
  const [error, setError] = useState('');
  if (link) return <p class="exposure-invite">Invite (one use, 7 days): <code data-exposure-invite>{link}</code></p>;
  return (
    <p class="exposure-invite">
      <button class="secondary" type="button" disabled={!invite} data-invite-target title={invite ? undefined : 'Create or import the org key first'}
        onClick={() => void invite!().then(setLink, (e: unknown) => setError(e instanceof Error ? e.message : String(e)))}>
        Sign an invite
      </button>
      {error && <span class="console-alert" role="alert"> {error}</span>}
    </p>
  );
}
