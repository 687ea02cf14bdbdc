/**
 * @module org/acceptOrder
 * The relay takes a signed order only if it extends the chain it holds and is signed by the org
 * key the chain began with. This is hygiene, not trust: clients check every order themselves
 * against the key they pinned, so a relay that skipped these checks (or wrote its own rows)
 * fools nobody. What an order asks of the relay (a code to enrol with, a device cut off) is done
 * after the order is stored: if that step fails, clients still act on the stored order.
 */
import { fromHex, orderHash, parseOrder, parsePolicy, verifyOrder, ValidationError, type SignedOrder } from '@hardline/protocol';
import { disconnectRevoked } from '../devices/revokeDevice.ts';
import { RelayError } from '../errors/relayError.ts';
import type { RelayContext } from '../relayContext.ts';
import { dayNumber } from '../store/day.ts';
import { OrgEvents } from './orgLedger.ts';

/** The org public key, from the chain's first order; undefined until the security team installs one. */
export async function orgKeyOf(ctx: RelayContext): Promise<string | undefined> {
  return (await ctx.store.org.orders(0, 1))[0]?.orgKey;
}

export async function acceptOrder(ctx: RelayContext, raw: unknown, opts: { installing: boolean }): Promise<SignedOrder> {
  const order = parseOrder(raw);
  const head = await ctx.store.org.head();
  if (opts.installing !== (order.kind === 'org-key')) throw new ValidationError(opts.installing ? 'only an org-key order installs the org key' : 'an org-key order goes to /v1/org/key');
  const key = order.kind === 'org-key' ? order.orgKey : await orgKeyOf(ctx);
  if (!key) throw new RelayError('NOT_FOUND', 'this relay has no org key yet: install one with `hardline admin key install`');
  if (order.kind === 'org-key' && head.seq !== 0) throw new RelayError('CONFLICT', 'this relay already has an org key');
  if (!verifyOrder(order, key)) throw new RelayError('FORBIDDEN', 'the order is not signed by the org key');
  if (order.seq !== head.seq + 1 || order.prev !== head.hash) throw new RelayError('CONFLICT', `the order does not follow the last one (expected seq ${head.seq + 1}); fetch the head and sign again`);
  await checkEffect(ctx, order);
  if (!(await ctx.store.org.append(order, orderHash(order)))) throw new RelayError('CONFLICT', 'another order took this place; sign again');
  await applyEffect(ctx, order);
  return order;
}

async function checkEffect(ctx: RelayContext, o: SignedOrder): Promise<void> {
  if (o.kind === 'invite' || o.kind === 're-enrolment' || o.kind === 'link-approval') {
    const b = o.body as SignedOrder<'invite'>['body'];
    if (Date.parse(b.expiresAt) <= ctx.now()) throw new ValidationError(`the ${o.kind} has already expired`);
  }
  if (o.kind === 'revocation') {
    const b = o.body as SignedOrder<'revocation'>['body'];
    const d = await ctx.store.getDevice(b.deviceId);
    if (!d || d.handle !== b.handle) throw new RelayError('NOT_FOUND', `no device ${b.deviceId} of ${b.handle}`);
  }
  if (o.kind === 'policy') {
    const last = await ctx.store.org.latest('policy');
    const version = (o.body as SignedOrder<'policy'>['body']).version;
    if (last && parsePolicy(last.body).version >= version) throw new ValidationError(`policy version ${version} is not above the current ${parsePolicy(last.body).version}`);
  }
}

async function applyEffect(ctx: RelayContext, o: SignedOrder): Promise<void> {
  if (o.kind === 'invite' || o.kind === 're-enrolment') {
    const b = o.body as SignedOrder<'invite'>['body'];
    await ctx.store.createCode({ hash: fromHex(b.codeHash, 32), kind: 'invite', ...(b.handle ? { handle: b.handle } : {}), expiresAt: Date.parse(b.expiresAt) });
  }
  if (o.kind === 'revocation') {
    const b = o.body as SignedOrder<'revocation'>['body'];
    await ctx.store.revokeDevice(b.deviceId);
    disconnectRevoked(ctx, b.deviceId);
    await ctx.store.org.count(OrgEvents.REVOCATION, dayNumber(ctx.now()));
  }
}
