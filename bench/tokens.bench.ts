/**
 * @module bench/tokens
 * `npm run bench -- tokens`: what Privacy Pass costs per token (protocol tokens/privacyPass.ts,
 * VOPRF P-384 on @noble/curves through voprf-ts): the client's blinding and finalising (with
 * the DLEQ proof check), the relay's evaluation, and the relay's check of a spent token.
 * Medians over ROUNDS batches of BATCH, one core.
 */
import { pathToFileURL } from 'node:url';
import { generateTokenKey, issueTokens, parseToken, requestTokens, verifyToken } from '../packages/protocol/src/tokens/privacyPass.ts';
import { round, table } from './relayLab.ts';

const BATCH = 16;
const ROUNDS = 7;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function runTokenBench(): Promise<void> {
  const key = await generateTokenKey();
  const blind: number[] = [];
  const issue: number[] = [];
  const finish: number[] = [];
  const verify: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    let t = performance.now();
    const req = await requestTokens(key.publicKey, BATCH);
    blind.push((performance.now() - t) / BATCH);
    t = performance.now();
    const { response } = await issueTokens(key, req.request);
    issue.push((performance.now() - t) / BATCH);
    t = performance.now();
    const tokens = await req.finish(response);
    finish.push((performance.now() - t) / BATCH);
    t = performance.now();
    for (const tok of tokens) if (!(await verifyToken(key, parseToken(tok)))) throw new Error('token did not verify');
    verify.push((performance.now() - t) / BATCH);
  }
  console.log(`\nPrivacy Pass per token (VOPRF P-384, noble), median of ${ROUNDS} batches of ${BATCH}\n`);
  console.log(
    table([
      { step: 'client: blind (request)', msPerToken: round(median(blind)) },
      { step: 'relay: evaluate + DLEQ proof (issue)', msPerToken: round(median(issue)) },
      { step: 'client: finalise + check proof', msPerToken: round(median(finish)) },
      { step: 'relay: verify a spent token', msPerToken: round(median(verify)) },
    ]),
  );
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) await runTokenBench();
