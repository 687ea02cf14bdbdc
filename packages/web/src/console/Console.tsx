/**
 * @module console/Console
 * The security team's console, a role of the same web app (`/#console`): the org key (made here,
 * non-extractable, or imported from the offline file), invites, the device list with its policy
 * flags, revocation with remote wipe, the signed policy, the audit chain, the morning
 * briefing, and the exposure report (ExposureCard.tsx: call logs analysed in this browser).
 * Every order is signed here; the relay's admin token is only for reads and is kept
 * in memory, never stored.
 */
import { useEffect, useState } from 'preact/hooks';
import { joinInviteCode, orgKeyFingerprint, parsePolicy, type ChainCheck, type Handle } from '@hardline/protocol';
import { createOrgKey, importOrgKeyFile, loadOrgKey, type BrowserOrgKey } from './browserOrgKey.ts';
import { auditChain, briefing, devices, installKey, newInviteCode, relayLogKey, relayOrgKey, signAndPost, type AdminDevice, type Briefing } from './consoleApi.ts';
import { ExposureCard } from './ExposureCard.tsx';
import { KeptExposureItem } from './KeptExposureItem.tsx';
import './console.css';

const INVITE_TTL_MS = 7 * 86_400_000;

export function Console() {
  const [key, setKey] = useState<BrowserOrgKey | undefined>();
  const [token, setToken] = useState('');
  const [relayKey, setRelayKey] = useState<string | null | undefined>();
  const [list, setList] = useState<AdminDevice[]>([]);
  const [brief, setBrief] = useState<Briefing | undefined>();
  const [audit, setAudit] = useState<ChainCheck | undefined>();
  const [status, setStatus] = useState('');
  const [invite, setInvite] = useState('');
  const [policy, setPolicy] = useState('{ "groups": [] }');
  /** Bumped when the team keeps an exposure summary, so the briefing shows it at once. */
  const [keptCount, setKeptCount] = useState(0);
  useEffect(() => void loadOrgKey().then(setKey).catch(() => undefined), []);

  const act = (what: string, f: () => Promise<string | void>) => async () => {
    try {
      setStatus(`${what}…`);
      setStatus((await f()) || `${what}: done`);
    } catch (e) {
      setStatus(`${what} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  const refresh = async () => {
    setRelayKey(await relayOrgKey());
    if (!token) return;
    setList(await devices(token));
    setBrief(await briefing(token));
    if (key) setAudit(await auditChain(token, key.publicKey));
  };
  const mismatch = key && relayKey && relayKey !== key.publicKey;
  /** A one-time invite signed here; only its hash goes to the relay. */
  const signInvite = async (handle?: Handle): Promise<string> => {
    const { code, hash } = await newInviteCode();
    await signAndPost(key!, 'invite', { codeHash: hash, ...(handle ? { handle } : {}), expiresAt: new Date(Date.now() + INVITE_TTL_MS).toISOString() });
    // The log key this console is shown goes in too: a new device that is shown another is refused.
    return joinInviteCode(code, key!.publicKey, await relayLogKey());
  };

  return (
    <main class="console" data-screen="console">
      <h1>Security console</h1>
      <p class="muted">Orders are signed in this browser with the org key; the relay stores them and cannot forge one.</p>
      <p role="status" class="console-status" data-console-status>{status}</p>

      <section class="card" aria-labelledby="key-h">
        <h2 id="key-h">Org key</h2>
        {key ? (
          <p>
            Fingerprint <code data-fingerprint>{orgKeyFingerprint(key.publicKey)}</code>{' '}
            {key.origin === 'browser' ? '(made in this browser: it cannot be exported or backed up)' : '(imported: keep the file offline as the backup)'}
          </p>
        ) : (
          <p class="muted">No org key in this browser. For an offline backup and recovery, make it with <code>hardline admin key create</code> and import the file.</p>
        )}
        <div class="console-row">
          <button class="secondary" data-create-key disabled={!!key} onClick={act('Create key', async () => void setKey(await createOrgKey()))}>Create key in this browser</button>
          <label class="button secondary">
            Import key file
            <input type="file" class="visually-hidden" data-import-key accept=".key,.json,application/json" onChange={(e) => {
              const file = e.currentTarget.files?.[0];
              if (file) void act('Import key', async () => void setKey(await importOrgKeyFile(await file.text())))();
            }} />
          </label>
        </div>
      </section>

      <section class="card" aria-labelledby="relay-h">
        <h2 id="relay-h">Relay</h2>
        <label>Admin token (for reads; kept in memory) <input type="password" data-admin-token value={token} onInput={(e) => setToken(e.currentTarget.value)} /></label>
        <div class="console-row">
          <button class="primary" data-refresh onClick={act('Refresh', refresh)}>Refresh</button>
          {key && relayKey === null && <button class="secondary" data-install-key onClick={act('Install key', async () => { await installKey(key, token, 'Organisation'); await refresh(); })}>Install this key at the relay</button>}
        </div>
        {mismatch && <p class="console-alert" role="alert">The relay names another org key than this browser's.</p>}
        {audit && (
          <p data-audit class={audit.broken ? 'console-alert' : ''}>
            {audit.broken ? `Audit chain broken at order ${audit.broken.seq} (${audit.broken.reason})` : `Audit chain verified: ${audit.head.seq} signed orders`}
          </p>
        )}
      </section>

      <section class="card" aria-labelledby="invite-h">
        <h2 id="invite-h">Invite</h2>
        <form class="console-row" onSubmit={(e) => {
          e.preventDefault();
          const handle = (new FormData(e.currentTarget).get('handle') as string).trim().toLowerCase();
          void act('Invite', async () => setInvite(await signInvite(handle ? (handle as Handle) : undefined)))();
        }}>
          <input name="handle" aria-label="Handle (optional)" placeholder="handle (optional)" />
          <button class="secondary" disabled={!key}>Sign invite</button>
        </form>
        {invite && <p>Code (one use, 7 days): <code data-invite>{invite}</code></p>}
      </section>

      <section class="card" aria-labelledby="devices-h">
        <h2 id="devices-h">Devices</h2>
        <table class="console-table" data-devices>
          <thead><tr><th>Handle</th><th>Device</th><th>Enrolled</th><th>Last seen</th><th>Policy</th><th><span class="visually-hidden">Action</span></th></tr></thead>
          <tbody>
            {list.map((d) => (
              <tr key={d.deviceId} data-device={d.handle}>
                <td>{d.handle}</td>
                <td>
                  <span data-device-name>{d.name ?? 'unnamed'}</span>
                  {d.platform && d.platform !== d.name && <span class="muted"> · {d.platform}</span>}
                  <br /><code class="muted">{d.deviceId.slice(0, 8)}</code>
                </td>
                <td>{d.enrolledOn ?? '—'}</td>
                <td>{d.lastSeenOn ?? '—'}</td>
                <td>{`v${d.policyVersion}`}{d.oldPolicy ? ' (old)' : ''}</td>
                <td>{d.revoked ? 'revoked' : <button class="danger secondary" disabled={!key} data-revoke={d.handle} onClick={act('Revoke', async () => { await signAndPost(key!, 'revocation', { handle: d.handle as Handle, deviceId: d.deviceId as never, wipe: true }); await refresh(); })}>Revoke and wipe</button>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section class="card" aria-labelledby="policy-h">
        <h2 id="policy-h">Policy</h2>
        <label>Security groups and capabilities (JSON; docs/protocol.md §10)<textarea data-policy rows={6} value={policy} onInput={(e) => setPolicy(e.currentTarget.value)} /></label>
        <button class="secondary" disabled={!key} data-publish-policy onClick={act('Publish policy', async () => {
          const current = brief?.policyVersion ?? 0;
          const raw = JSON.parse(policy) as Record<string, unknown>;
          const p = parsePolicy({ ...raw, version: raw.version ?? current + 1 });
          await signAndPost(key!, 'policy', p);
          await refresh();
          return `Policy version ${p.version} signed and published`;
        })}>Sign and publish</button>
      </section>

      <ExposureCard invite={key ? async () => `${location.origin}/#enrol=${encodeURIComponent(await signInvite())}` : undefined} onKept={() => setKeptCount((n) => n + 1)} />

      {brief && (
        <section class="card" aria-labelledby="brief-h" data-briefing>
          <h2 id="brief-h">Morning briefing, {brief.day}</h2>
          <ul>
            <li>Enrolments: {brief.counts.enrolments}</li>
            <li>Identity-key changes: {brief.counts.identityKeyChanges}</li>
            <li>Failed enrolment attempts: {brief.counts.failedEnrolments}</li>
            <li>Failed app-lock unlocks: {brief.counts.failedUnlocks ?? 0}</li>
            <li>Revocations: {brief.counts.revocations}</li>
            <li>Relay refusals: {Object.entries(brief.relayRefusals).map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}</li>
            <li>Devices on an old policy: {brief.devicesOnOldPolicy.length}; not seen for {brief.notSeenDays} days: {brief.devicesNotSeen.length}</li>
            <KeptExposureItem key={keptCount} />
          </ul>
        </section>
      )}
    </main>
  );
}
