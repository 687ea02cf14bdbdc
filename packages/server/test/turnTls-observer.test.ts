/**
 * @module turnTls-observer.test
 * The network observer on the link between a device and TURN (issue 12). Over plain TURN it
 * reads every packet's peer address (XOR-PEER-ADDRESS is XORed with a public constant, RFC 8489
 * §14.2) and so pairs the two legs of a call without timing anything. With TURN over TLS
 * (`startCoturn({ tls })`, what `hardline server --tls-cert` starts) it reads TLS records only.
 *
 * coturn's own test client (turnutils_uclient) allocates, binds a peer and sends media-sized
 * data between two allocations, through a TcpTap that keeps what the link carries.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findTurnserver, mintTurnCredentials, startCoturn, type CoturnHandle } from '../src/index.ts';
import { onlyTlsRecords, TcpTap } from '../../../test/support/tcpTap.ts';
import { haveOpenssl, selfSignedCert } from './support/selfSignedCert.ts';
import { runTurnClient } from './support/turnClient.ts';
import { tmpDir } from './support/tmpDir.ts';

/** The STUN magic cookie, in every TURN message's header (RFC 8489 §5). */
const COOKIE = Buffer.from([0x21, 0x12, 0xa4, 0x42]);
/** 127.0.0.1, the relayed (peer) address, as XOR-PEER-ADDRESS carries it: XORed with the cookie. */
const PEER_127 = Buffer.from([0x7f ^ 0x21, 0x00 ^ 0x12, 0x00 ^ 0xa4, 0x01 ^ 0x42]);

/**
 * turnutils_uclient over TCP (`tls`: over TLS too) through `port`; true when data went from one
 * allocation to the other and came back (not all of it: over TLS the client drops the first few
 * it sends before its channel is bound).
 */
async function exchange(port: number, coturn: CoturnHandle, tls: boolean): Promise<boolean> {
  const ice = mintTurnCredentials(coturn.config, Date.now()).iceServers[0]!;
  const args = ['-t', ...(tls ? ['-S'] : []), '-p', String(port), '-u', ice.username, '-w', ice.credential, '-n', '5', '-m', '1', '-l', '160', '-y', '127.0.0.1'];
  const out = await runTurnClient(args, 20_000);
  return Number(/start_mclient: tot_send_msgs=\d+, tot_recv_msgs=(\d+)/.exec(out)?.[1] ?? 0) > 0 && !/Cannot complete Allocation/.test(out);
}

const portOf = (url: string) => Number(/:(\d+)\?/.exec(url)![1]);

let running: Array<{ close(): Promise<void> } | CoturnHandle> = [];
afterEach(async () => {
  for (const r of running) await ('stop' in r ? r.stop() : r.close());
  running = [];
});

describe.skipIf(!findTurnserver() || !haveOpenssl())('the observer of the link to TURN', () => {
  it('over plain TURN, reads the peer address of every leg (the control: the tap can see it)', async () => {
    const coturn = await startCoturn(findTurnserver()!, { port: 3618, minPort: 50_500, maxPort: 50_560, allowLoopbackPeers: true });
    running.push(coturn);
    // coturn's plain TCP listener shares the UDP port number: the same TURN messages, readable.
    const tap = await TcpTap.start({ host: '127.0.0.1', port: portOf(coturn.config.urls[0]!) });
    running.push(tap);
    expect(await exchange(tap.port, coturn, false)).toBe(true);
    expect(tap.saw(COOKIE)).toBe(true);
    expect(tap.saw(PEER_127)).toBe(true);
  }, 60_000);

  it('over TURN on TLS, reads TLS records and nothing else: no TURN header, no peer address', async () => {
    const cert = selfSignedCert(tmpDir(), 'DNS:localhost,IP:127.0.0.1');
    const coturn = await startCoturn(findTurnserver()!, { port: 3620, minPort: 50_600, maxPort: 50_660, allowLoopbackPeers: true, tls: { ...cert, port: 5621, host: 'localhost' } });
    running.push(coturn);
    // Devices are told only the TLS address, under the certificate's name.
    expect(coturn.config.urls).toEqual([expect.stringMatching(/^turns:localhost:\d+\?transport=tcp$/)]);
    const tap = await TcpTap.start({ host: '127.0.0.1', port: portOf(coturn.config.urls[0]!) });
    running.push(tap);
    expect(await exchange(tap.port, coturn, true)).toBe(true);
    expect(tap.bytes()).toBeGreaterThan(1_000);
    for (const stream of tap.streams()) if (stream.length > 0) expect(onlyTlsRecords(stream)).toBe(true);
    expect(tap.saw(COOKIE)).toBe(false);
    expect(tap.saw(PEER_127)).toBe(false);
  }, 60_000);

  it('over TLS, leaves no plain listener a device could fall back to', async () => {
    const cert = selfSignedCert(tmpDir(), 'IP:127.0.0.1');
    const coturn = await startCoturn(findTurnserver()!, { port: 3622, minPort: 50_700, maxPort: 50_760, allowLoopbackPeers: true, tls: { ...cert, port: 5623 } });
    running.push(coturn);
    expect(await exchange(3622, coturn, false)).toBe(false);
  }, 60_000);

  it('refuses a certificate file that is not there, before starting anything', async () => {
    await expect(startCoturn(findTurnserver()!, { port: 3624, tls: { cert: join(tmpDir(), 'missing.pem'), key: join(tmpDir(), 'missing-key.pem') } })).rejects.toMatchObject({ code: 'USAGE' });
  });
});
