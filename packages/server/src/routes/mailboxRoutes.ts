/**
 * @module mailboxRoutes
 * `POST /v1/mailboxes/:id/retire`: the mailbox's reader retires it once it has moved to a fresh
 * one (docs/protocol.md §6). A device removed from a conversation knew every remaining device's
 * mailbox and send capability (they are in the roster); after the move and this call, the old
 * send capability posts nothing (NO_MAILBOX). What the mailbox holds stays readable, so the
 * reader drains it after retiring it: nothing posted before the retirement is lost.
 *
 * Authorised by the read capability alone, like reading: no session, so the relay does not
 * learn which device owned the mailbox. Costs no token: it takes no space. Idempotent.
 */
import { capabilityMatches, parseMailboxId } from '../capabilityBytes.ts';
import { RelayError } from '../errors/relayError.ts';
import { capabilityFrom } from '../http/capabilityAuth.ts';
import { ok, type Route } from '../http/route.ts';

export const mailboxRoutes: readonly Route[] = [
  {
    method: 'POST',
    path: '/v1/mailboxes/:id/retire',
    handle: async (ctx, req) => {
      const id = parseMailboxId(req.params.id);
      const readCap = capabilityFrom(req.headers);
      const mailbox = await ctx.store.getMailbox(id);
      if (!mailbox) throw new RelayError('NO_MAILBOX', 'no such mailbox');
      if (!capabilityMatches(readCap, mailbox.readCapHash)) throw new RelayError('BAD_CAPABILITY', 'read capability does not match');
      await ctx.store.retireMailbox(id);
      // Nothing more arrives there to wake anyone for.
      ctx.push?.targets.delete(id);
      return ok({ retired: id });
    },
  },
];
