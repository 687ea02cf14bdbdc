/**
 * @module unsentError
 * An anonymous action that failed on this device, before any byte of it left: held while the
 * device awaits its entry in the org's chain (ingressRoute.ts), or with no Oblivious HTTP key
 * config to seal it to (ingressFetch.ts: a relay that withholds the config, and a page whose hop
 * is unknown, since its hold holds the config's fetch too, web platform/heldHopTransport.ts).
 * The Privacy Pass token it carried was seen by no one, so it goes back to the wallet
 * (tokenWallet.ts payWithToken): else a relay that keeps the device in that state drains the
 * wallet at every retry, burns the day's budget, and has each refill from empty land right
 * before the next try, the very timing the wallet's background refill exists to avoid.
 *
 * Only for failures on this side. An answer, even a refusal such as OHTTP_KEY, may come from a
 * relay that opened the request and read the token: spent again, the one token would tie the two
 * actions together. Those stay plain HardlineErrors, and their token is gone.
 */
import { HardlineError } from '@hardline/protocol';

export class UnsentError extends HardlineError {}
