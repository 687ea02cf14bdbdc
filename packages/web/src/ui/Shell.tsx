/**
 * @module ui/Shell
 * The signed-in frame: a tab bar (bottom on phones, side on desktops), a list pane and a
 * detail pane inside the page's one <main>. On a phone only one pane shows at a time.
 * Focus follows the route: opening a chat or a contact moves it into the detail pane, and
 * Back returns it to the row the person came from.
 */
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { Session } from '../session/session.ts';
import { ChatList } from './screens/ChatList.tsx';
import { ChatView } from './screens/ChatView.tsx';
import { GroupInfo } from './screens/GroupInfo.tsx';
import { ContactList } from './screens/ContactList.tsx';
import { ContactDetail } from './screens/ContactDetail.tsx';
import { Devices } from './screens/Devices.tsx';
import { LockSettings } from '../lock/LockSettings.tsx';
import { SafetyNumberView } from './screens/SafetyNumberView.tsx';
import { Icon } from './components/Icon.tsx';
import { focusElement, focusInside, focusLost } from './focus.ts';
import { NewMessageAnnouncer } from './NewMessageAnnouncer.tsx';
import { pushNotice } from '../session/pushWakeUps.ts';
import { SplitViewBanner } from './components/SplitViewAlert.tsx';
import { OwnNameBanner } from './components/OwnNameBanner.tsx';
import { IngressStatus } from './components/IngressStatus.tsx';
import { HopChangeBanner } from './components/HopChangeNotice.tsx';

export type Tab = 'chats' | 'contacts' | 'devices';
export type Route =
  | { tab: 'chats'; chat?: string; info?: boolean }
  | { tab: 'contacts'; contact?: string; safety?: string; fromChat?: string }
  | { tab: 'devices' };

export type Navigate = (r: Route) => void;

export function Shell({ session }: { session: Session }) {
  const [route, setRoute] = useState<Route>({ tab: 'chats' });
  const unread = session.unreadTotal();
  const detailOpen = (route.tab === 'chats' && !!route.chat) || (route.tab === 'contacts' && (!!route.contact || !!route.safety));
  const listRef = useRef<HTMLElement>(null);
  const detailRef = useRef<HTMLElement>(null);
  useRouteFocus(route, listRef, detailRef);
  // One h1 per view: the open detail's title; the list's title only while no detail shows.
  const listHeading = detailOpen ? 'h2' : 'h1';
  return (
    <div class={`shell ${detailOpen ? 'detail-open' : ''}`}>
      <nav class="tabs" aria-label="Main">
        <div class="tabs-brand"><img src="/icons/icon.svg" alt="" width="28" height="28" /> Hardline</div>
        <TabButton tab="chats" route={route} go={setRoute} label="Chats" badge={unread} />
        <TabButton tab="contacts" route={route} go={setRoute} label="Contacts" />
        <TabButton tab="devices" route={route} go={setRoute} label="Devices" />
        <div class={`link-status ${session.status}`} data-status={session.status} title={statusText(session.status)}>
          <span class="dot" /> <span class="link-status-text">{statusText(session.status)}</span>
        </div>
      </nav>
      <main class="shell-main">
      <section class="list-pane" aria-label={route.tab === 'chats' ? 'Conversations' : route.tab === 'contacts' ? 'Contact book' : 'Devices'} ref={listRef}>
        {session.recovery && <RecoveryNotice session={session} text={session.recovery} />}
        <SplitViewBanner session={session} />
        <HopChangeBanner session={session} />
        <OwnNameBanner session={session} />
        <PushNotice session={session} />
        {route.tab === 'chats' && <ChatList session={session} selected={route.chat} go={setRoute} heading={listHeading} />}
        {route.tab === 'contacts' && <ContactList session={session} selected={route.contact} go={setRoute} heading={listHeading} />}
        {route.tab === 'devices' && <Devices session={session} />}
        {route.tab === 'devices' && <LockSettings session={session} />}
        {route.tab === 'devices' && <IngressStatus session={session} />}
      </section>
      <section class="detail-pane" aria-label="Details" ref={detailRef}>
        {route.tab === 'chats' && route.chat && !route.info && <ChatView key={route.chat} session={session} chatKey={route.chat} go={setRoute} />}
        {route.tab === 'chats' && route.chat && route.info && <GroupInfo key={route.chat} session={session} chatKey={route.chat} go={setRoute} />}
        {route.tab === 'contacts' && route.safety && <SafetyNumberView session={session} handle={route.safety} go={setRoute} back={route.fromChat ? { tab: 'chats', chat: route.fromChat } : { tab: 'contacts', ...(route.contact ? { contact: route.contact } : {}) }} />}
        {route.tab === 'contacts' && !route.safety && route.contact && <ContactDetail key={route.contact} session={session} contactId={route.contact} go={setRoute} />}
        {!detailOpen && route.tab !== 'devices' && <div class="empty-detail"><Icon name={route.tab === 'chats' ? 'chat' : 'person'} /><p>{route.tab === 'chats' ? 'Choose a conversation' : 'Choose a contact'}</p></div>}
      </section>
      </main>
      <NewMessageAnnouncer session={session} openChat={route.tab === 'chats' && !route.info ? route.chat : undefined} />
    </div>
  );
}

/** What the detail pane shows, as one string: focus moves only when this changes. */
function detailOf(r: Route): string {
  if (r.tab === 'chats') return r.chat ? `chat:${r.chat}${r.info ? ':info' : ''}` : '';
  if (r.tab === 'contacts') return r.safety ? `safety:${r.safety}` : r.contact ? `contact:${r.contact}` : '';
  return '';
}

/** The list row that opened `r`'s detail, to return to on Back. */
function rowOf(list: HTMLElement | null, r: Route): HTMLElement | null {
  if (!list) return null;
  if (r.tab === 'chats' && r.chat) return list.querySelector(`[data-chat="${CSS.escape(r.chat)}"]`);
  if (r.tab === 'contacts' && r.contact === 'new') return list.querySelector('[data-add-contact]');
  if (r.tab === 'contacts' && r.contact) return list.querySelector(`[data-contact-id="${CSS.escape(r.contact)}"]`);
  return null;
}

function useRouteFocus(route: Route, listRef: { current: HTMLElement | null }, detailRef: { current: HTMLElement | null }): void {
  const previous = useRef<Route | undefined>(undefined);
  // Before the browser paints (a layout effect): run a frame or more later, the move could take
  // focus from a field the person had already clicked into (ContactDetail.tsx says how that went).
  useLayoutEffect(() => {
    const before = previous.current;
    previous.current = route;
    const now = detailOf(route);
    const was = before ? detailOf(before) : '';
    if (now && now !== was) {
      focusInside(detailRef.current);
    } else if (!now && was && before && before.tab === route.tab) {
      if (!focusElement(rowOf(listRef.current, before))) focusInside(listRef.current);
    } else if (!before || focusLost()) {
      // First view after enrolling or reopening, or the focused control went away.
      focusInside(now ? detailRef.current : listRef.current);
    }
  }, [route]);
}

function RecoveryNotice({ session, text }: { session: Session; text: string }) {
  return (
    <div class="banner info" role="status" data-notice="recovered">
      <Icon name="warning" />
      <div>
        <p>{text}</p>
        <div class="banner-actions">
          <button class="link" onClick={() => session.dismissRecovery()}>OK</button>
        </div>
      </div>
    </div>
  );
}

/** Says so when calls cannot ring with the app closed (session/pushWakeUps.ts). */
function PushNotice({ session }: { session: Session }) {
  const text = pushNotice(session.push.status);
  return text ? (
    <p class="banner info" role="status" data-notice="push" data-push={session.push.status}>
      {text}
    </p>
  ) : null;
}

function statusText(s: Session['status']): string {
  return s === 'online' ? 'Connected' : s === 'offline' ? 'Offline, retrying' : 'Connecting…';
}

function TabButton({ tab, route, go, label, badge }: { tab: Tab; route: Route; go: Navigate; label: string; badge?: number }) {
  const active = route.tab === tab;
  return (
    <button class={`tab ${active ? 'active' : ''}`} aria-current={active ? 'page' : undefined} data-tab={tab} onClick={() => go({ tab })}>
      <Icon name={tab === 'chats' ? 'chat' : tab === 'contacts' ? 'person' : 'device'} />
      <span>{label}</span>
      {badge ? <><span class="badge" aria-hidden="true">{badge}</span><span class="sr-only">, {badge} unread</span></> : null}
    </button>
  );
}
