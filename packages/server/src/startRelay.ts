/**
 * @module startRelay
 * Wires the relay together: store, in-memory session and challenge state, the HTTP routes and
 * the two WebSocket endpoints, all on one port.
 */
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { ValidationError } from '@hardline/protocol';
import { ChallengeStore } from './enrolment/challengeStore.ts';
import { checkHost, defaultAllowedHosts, isWildcardHost, normaliseHostName } from './http/allowedHosts.ts';
import { createHttpHandler, misdirected } from './http/httpHandler.ts';
import { defaultWebRoot, webAppBuilt } from './http/staticApp.ts';
import { type RelayContext, observe } from './relayContext.ts';
import { CIPHERSUITES, DEFAULT_CIPHERSUITE, type RelayHandle, type RelayOptions } from './relayOptions.ts';
import { allRoutes } from './routes/allRoutes.ts';
import { rotateAdminToken } from './session/adminToken.ts';
import { SessionStore } from './session/sessionStore.ts';
import { MetaKeys, type RelayStore } from './store/relayStore.ts';
import { SqliteRelayStore } from './store/sqliteRelayStore.ts';
import { InboxHub } from './ws/inboxHub.ts';
import { openPushRounds } from './ws/openPushRounds.ts';
import { EpochLocks } from './locks/epochLocks.ts';
import { createUpgradeRouter } from './ws/upgrade.ts';
import { resolveLimits } from './limits/relayLimits.ts';
import { FreeDisk, statfsProbe } from './limits/freeDisk.ts';
import { connectionCap, openFileLimit } from './limits/fileDescriptors.ts';
import { FailureThrottle } from './limits/failureThrottle.ts';
import { SourceLimits, sourceKey } from './limits/sourceLimits.ts';
import { refuseSocket, rawErrorResponse } from './http/rawResponse.ts';
import { TokenIssuer } from './tokens/tokenIssuer.ts';
import { TokenLedger } from './tokens/tokenLedger.ts';
import { openRelayPush } from './push/relayPush.ts';
import { GatewayKeys } from './ohttp/gatewayKeys.ts';
import { parseIngressUrl } from './ingress/ingressUrl.ts';

const HOUSEKEEPING_MS = 3_600_000;

export async function startRelay(options: RelayOptions): Promise<RelayHandle> {
  const log = options.log ?? (() => {});
  // Before anything is opened: a bad hop URL stops the start with nothing to clean up.
  const ingress = options.ingressUrl === undefined ? undefined : parseIngressUrl(options.ingressUrl);
  // The store tightens a loose data folder and says so in the relay's log (stderr under the CLI).
  const store: RelayStore = options.store ?? new SqliteRelayStore(options.dataDir, options.log ? { notice: options.log } : {});
  let tokenLedger: TokenLedger | undefined;
  try {
    const { suite, adminToken } = await initialiseOrg(store, options.suite);
    const configured = resolveLimits(options.limits);
    // Unless the operator chose it, the connection cap stays under the open-file limit, so that
    // a flood of sockets is refused before accept(), SQLite and everyone else run out.
    const fdLimit = openFileLimit();
    const connCap = connectionCap(configured.maxConnections, options.limits?.maxConnections !== undefined, fdLimit);
    if (connCap.lowered) log(`connection cap lowered to ${connCap.cap} to stay under the open-file limit (${fdLimit}); raise the limit (ulimit -n) to allow more`);
    const limits = { ...configured, maxConnections: connCap.cap };
    tokenLedger = new TokenLedger(options.dataDir);
    let internalErrors = 0;
    const ctx: RelayContext = {
      store,
      sessions: new SessionStore(),
      challenges: new ChallengeStore(),
      hub: new InboxHub(openPushRounds(options.pushRounds)),
      locks: new EpochLocks(),
      suite,
      limits,
      disk: new FreeDisk(options.diskFree ?? statfsProbe(options.dataDir), limits.minFreeDiskBytes, Date.now, (e) => ctx.internalError(e)),
      sources: new SourceLimits(limits),
      enrolThrottle: new FailureThrottle({ perMinute: limits.enrolFailuresPerMinute, perMinutePerAddress: limits.enrolFailuresPerMinutePerAddress }),
      tokens: new TokenIssuer(tokenLedger, limits, Date.now, new FailureThrottle({ perMinute: limits.tokenFailuresPerMinute, perMinutePerAddress: limits.tokenFailuresPerMinutePerAddress })),
      observer: options.observer,
      turn: options.turn,
      push: options.push === false ? undefined : openRelayPush(options.dataDir, options.push ?? {}, log),
      ohttp: new GatewayKeys(options.dataDir, options.ohttp),
      ...(ingress ? { ingress } : {}),
      now: Date.now,
      internalError: (e) => {
        internalErrors++;
        // The error's class name only: messages can quote input.
        log(`internal error (${e instanceof Error ? e.name : typeof e}); ${internalErrors} so far`);
      },
    };
    // A mailbox's seq counter stays in memory while an inbox reads it, so its cursor stays valid.
    store.holdSeqsFor(ctx.hub);

    // Per-connection counter: the observer's stand-in for an IP address. Assigned lazily so
    // that TLS and plain sockets are handled alike.
    const connIds = new WeakMap<Socket, number>();
    let nextConn = 1;
    const connOf = (req: IncomingMessage): number => {
      const socket = req.socket;
      let id = connIds.get(socket);
      if (id === undefined) {
        const assigned = nextConn++;
        id = assigned;
        connIds.set(socket, assigned);
        if (ctx.observer) {
          observe(ctx, { kind: 'connect', conn: assigned });
          socket.once('close', () => observe(ctx, { kind: 'disconnect', conn: assigned }));
        }
      }
      return id;
    };

    const tls = options.tlsCert !== undefined && options.tlsKey !== undefined;
    const webRoot = options.webRoot === false ? undefined : (options.webRoot ?? defaultWebRoot());
    const host = options.host ?? '127.0.0.1';
    const allowedHosts = new Set((options.allowedHosts ?? defaultAllowedHosts(host)).map(normaliseHostName));
    const handler = createHttpHandler(ctx, allRoutes, connOf, { tls, allowedHosts }, webRoot ? { root: webRoot, tls, ...(ingress ? { ingressOrigin: ingress.origin } : {}) } : undefined);
    // Node checks both timeouts every connectionsCheckingInterval: often enough to keep them.
    const timeouts = {
      headersTimeout: limits.headerTimeoutMs,
      requestTimeout: limits.headerTimeoutMs + limits.bodyTimeoutMs,
      connectionsCheckingInterval: Math.max(25, Math.min(1_000, Math.floor(Math.min(limits.headerTimeoutMs, limits.bodyTimeoutMs) / 4))),
    };
    const server: Server = tls
      ? createHttpsServer({ cert: readFileSync(options.tlsCert!), key: readFileSync(options.tlsKey!), handshakeTimeout: limits.headerTimeoutMs, ...timeouts }, handler)
      : createHttpServer(timeouts, handler);
    // First of all listeners, before TLS or HTTP parsing: a socket over a cap costs nothing more.
    server.prependListener('connection', (socket: Socket) => {
      const held = ctx.sources.reserve('connections', sourceKey(socket.remoteAddress));
      if (typeof held === 'string') {
        socket.destroy();
        return;
      }
      socket.once('close', held.release);
    });
    // Malformed requests, header overflow and the header and body timeouts end here: answer if
    // nothing was sent on the socket yet, then destroy it (end() alone leaves it half open for
    // as long as the peer likes).
    server.on('clientError', (e: NodeJS.ErrnoException, socket) => {
      const inFlight = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
      if (socket.writable && !inFlight?.headersSent && e.code !== 'ECONNRESET') socket.write(rawErrorResponse(e.code));
      socket.destroy();
    });
    const upgrades = createUpgradeRouter(ctx, options.heartbeatMs ?? 30_000);
    server.on('upgrade', (req: IncomingMessage, socket, head: Buffer) => {
      socket.on('error', () => {});
      const hostCheck = checkHost(req.headers.host, allowedHosts);
      if (hostCheck !== 'allowed') {
        const [status, body] = misdirected(hostCheck);
        refuseSocket(socket, status, body);
        return;
      }
      upgrades.handleUpgrade(req, socket, head, connOf(req));
    });

    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 8080, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const port = (server.address() as AddressInfo).port;
    const url = `${tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;

    const housekeeping = async (): Promise<void> => {
      ctx.sessions.sweep();
      ctx.tokens.sweep();
      await store.prune(Date.now(), { blobIdleDays: ctx.limits.blobIdleDays });
    };
    await housekeeping();
    const timer = setInterval(() => housekeeping().catch(ctx.internalError), HOUSEKEEPING_MS);
    timer.unref();
    log(`relay listening on ${url}`);
    if (ingress) log(`the web app posts through the ingress hop at ${ingress.origin}; it must allow this relay's origin (hardline ingress --allow-origin)`);
    if (isWildcardHost(host) && options.allowedHosts === undefined) {
      log('warning: listening on every interface but answering only to localhost names; pass --allowed-hosts with the name clients use (for example hardline.example.org)');
    }
    if (webRoot && !webAppBuilt(webRoot)) {
      log(`warning: the web app is not built (no index.html in ${webRoot}); ${url}/ shows how to build it. Run \`npm run build\` in the Hardline checkout, or start with \`npm start\`, which builds it first`);
    }

    let closing: Promise<void> | undefined;
    return {
      url,
      port,
      ...(adminToken !== undefined ? { adminToken } : {}),
      store,
      close: () =>
        (closing ??= (async () => {
          clearInterval(timer);
          upgrades.close();
          await new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          });
          await ctx.push?.close();
          ctx.hub.rounds.close();
          await store.close();
          tokenLedger?.close();
          log(`relay stopped; ${internalErrors} internal errors`);
        })()),
    };
  } catch (e) {
    tokenLedger?.close();
    await store.close();
    throw e;
  }
}

async function initialiseOrg(
  store: RelayStore,
  requestedSuite: string | undefined,
): Promise<{ suite: string; adminToken: string | undefined }> {
  if (requestedSuite !== undefined && !(CIPHERSUITES as readonly string[]).includes(requestedSuite)) {
    throw new ValidationError(`unknown cipher suite; use one of ${CIPHERSUITES.join(', ')}`);
  }
  let suite = await store.getMeta(MetaKeys.SUITE);
  if (suite === undefined) {
    suite = requestedSuite ?? DEFAULT_CIPHERSUITE;
    await store.setMeta(MetaKeys.SUITE, suite);
  } else if (requestedSuite !== undefined && requestedSuite !== suite) {
    throw new ValidationError(`this relay's cipher suite is fixed to ${suite}`);
  }
  const adminToken = (await store.getMeta(MetaKeys.ADMIN_TOKEN_HASH)) === undefined ? await rotateAdminToken(store) : undefined;
  return { suite, adminToken };
}
