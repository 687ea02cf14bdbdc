/**
 * @module session/pageHop
 * The ingress hop of this page's engine while the app is open, from the hop it was opened with
 * (openingHop.ts): what the settings show, the hop the security team signs, the change the relay
 * announces and the person's answer to it, and the key config kept for the service worker. The
 * session owns one and delegates to it.
 */
import type { HardlineClient, Transport } from '@hardline/client';
import { refreshKeyConfig } from '../platform/keyConfigTransport.ts';
import { acceptAnnounced, rememberIngress, signedChoice, type IngressChoice } from './announcedIngress.ts';
import { keepHopChange, keptHopChange, LEGACY_HOP_CHANGE_KEPT, sameHopChange } from './keptHopChange.ts';
import { KEY_CONFIG_REFRESH_MS } from './keptKeyConfig.ts';
import type { OpeningHop } from './openingHop.ts';
import type { PendingHop } from './pendingHop.ts';
import type { HopChange } from './pinnedHop.ts';

/** The hop while the app is open: what the settings show, and what moves it. */
export class PageHop {
  /** Where the engine's anonymous actions go: the pinned hop, or a wait while it is unknown. */
  private hop: PendingHop | undefined;
  /** The engine's transport, for the periodic key-config refresh. */
  private transport: Transport | undefined;
  private keysAt = 0;
  /** Waiting for this device's invite in the org's verified chain before the hop is decided (awaitedInvite.ts). */
  private awaitsInvite = false;
  /** The hop change the person chose to keep the pinned hop through (keptHopChange.ts). */
  private keptChange: HopChange | undefined;

  constructor(
    private readonly client: HardlineClient,
    /** The ingress hop the start found (announcedIngress.ts). */
    private readonly announced: IngressChoice,
    /** What the hop shows has changed: the page re-renders. */
    private readonly changed: () => void,
  ) {}

  /** Takes over the hop the engine was opened with (a session made without one has none). */
  async open(opening: OpeningHop): Promise<void> {
    await rememberIngress(this.announced).catch(() => undefined);
    this.keptChange = await keptHopChange();
    // Versions before it kept the change in clear: gone at the first start of this one.
    localStorage.removeItem(LEGACY_HOP_CHANGE_KEPT);
    this.transport = opening.transport;
    // The engine fetched the key config as it opened (and kept it): the next one is due later.
    this.keysAt = Date.now();
    this.hop = opening.hop;
    this.awaitsInvite = opening.awaitsInvite;
    opening.hop.followSigned(() => this.client.orgPolicy().ingress);
    // Asks the relay again only while the hop is unknown (no-op otherwise).
    opening.hop.whenKnown((known) => {
      void rememberIngress(known).catch(() => undefined);
      this.changed();
    });
    opening.hop.watch();
  }

  /** The ingress hop the anonymous actions go through, for the settings to show: `unknown` while they wait. */
  get ingress(): IngressChoice {
    return this.hop ? this.hop.choice : this.announced;
  }

  /** The relay announces another hop, or none, than the one this device pinned (pinnedHop.ts). */
  get change(): HopChange | undefined {
    return this.ingress.change;
  }

  /**
   * The person read the notice and kept the pinned hop: the notice shrinks to a line. Kept by
   * the change itself, so another change shows in full again; sealed (keptHopChange.ts), since
   * it names the hop this person uses.
   */
  changeKept(): boolean {
    return sameHopChange(this.change, this.keptChange);
  }

  keepPinned(): void {
    const change = this.change;
    if (change) {
      this.keptChange = change;
      // Best effort: unsaved, the next start shows the notice in full again, the safe side.
      void keepHopChange(change).catch(() => undefined);
    }
    this.changed();
  }

  /**
   * The person accepts the relay's new announcement (the security team moved the hop): it is
   * pinned, and every anonymous action from now on goes there, or to the relay when it names none.
   */
  async acceptChange(): Promise<void> {
    const hop = this.hop;
    if (!hop || !hop.choice.change) return;
    hop.replace(await acceptAnnounced(hop.choice));
    this.changed();
  }

  /**
   * A hop the security team signed into the policy, read by the engine's last refresh, takes
   * over from the pinned one (or from not knowing): no change to accept, since the relay could
   * not have made it. An engine opened with no hop follows it by itself (client ingressRoute.ts);
   * the choice here is what the settings show and what the service worker reads.
   */
  followSigned(): void {
    const hop = this.hop;
    if (!hop) return;
    // The engine's refresh has just shown this device's invite in the chain: the hop can be decided now.
    if (this.awaitsInvite && this.client.orgPolicy().awaitingInvite === false) {
      this.awaitsInvite = false;
      hop.poke();
    }
    const signed = this.client.orgPolicy().ingress;
    if (signed === undefined || (hop.choice.from === 'policy' && hop.choice.url === (signed ?? undefined))) return;
    const choice = signedChoice(signed);
    hop.replace(choice);
    void rememberIngress(choice).catch(() => undefined);
    this.changed();
  }

  /**
   * The kept key config stays fresh while the app is open, so the service worker has one to use
   * (keptKeyConfig.ts). On a timer of its own, never because a post is about to go.
   */
  refreshKeys(now: number): void {
    if (!this.transport || now - this.keysAt < KEY_CONFIG_REFRESH_MS) return;
    if (this.ingress.from !== 'unknown' && !this.ingress.url) return;
    this.keysAt = now;
    void refreshKeyConfig(this.transport).catch(() => undefined);
  }

  /** Asks the relay now, if the hop is still unknown (the browser is back online, say). */
  poke(): void {
    this.hop?.poke();
  }

  stop(): void {
    this.hop?.stop();
  }
}
