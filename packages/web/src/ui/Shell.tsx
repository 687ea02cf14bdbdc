/**
 * @module ui/Shell
 * The signed-in frame: a tab bar (bottom on phones, side on desktops), a list pane and a
 * detail pane. On a phone only one pane shows at a time.
 */
import { useState } from 'preact/hooks';
import type { Session } from '../session/session.ts';
import { ChatList } from './screens/ChatList.tsx';
import { ChatView } from './screens/ChatView.tsx';
import { GroupInfo } from './screens/GroupInfo.tsx';
import { ContactList } from './screens/ContactList.tsx';
import { ContactDetail } from './screens/ContactDetail.tsx';
import { Devices } from './screens/Devices.tsx';
import { SafetyNumberView } from './screens/SafetyNumberView.tsx';
import { Icon } from './components/Icon.tsx';

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
      <section class="list-pane">
        {session.recovery && <RecoveryNotice session={session} text={session.recovery} />}
        {route.tab === 'chats' && <ChatList session={session} selected={route.chat} go={setRoute} />}
        {route.tab === 'contacts' && <ContactList session={session} selected={route.contact} go={setRoute} />}
        {route.tab === 'devices' && <Devices session={session} />}
      </section>
      <section class="detail-pane">
        {route.tab === 'chats' && route.chat && !route.info && <ChatView key={route.chat} session={session} chatKey={route.chat} go={setRoute} />}
        {route.tab === 'chats' && route.chat && route.info && <GroupInfo key={route.chat} session={session} chatKey={route.chat} go={setRoute} />}
        {route.tab === 'contacts' && route.safety && <SafetyNumberView session={session} handle={route.safety} go={setRoute} back={route.fromChat ? { tab: 'chats', chat: route.fromChat } : { tab: 'contacts', ...(route.contact ? { contact: route.contact } : {}) }} />}
        {route.tab === 'contacts' && !route.safety && route.contact && <ContactDetail key={route.contact} session={session} contactId={route.contact} go={setRoute} />}
        {!detailOpen && route.tab !== 'devices' && <div class="empty-detail"><Icon name={route.tab === 'chats' ? 'chat' : 'person'} /><p>{route.tab === 'chats' ? 'Choose a conversation' : 'Choose a contact'}</p></div>}
      </section>
    </div>
  );
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

function statusText(s: Session['status']): string {
  return s === 'online' ? 'Connected' : s === 'offline' ? 'Offline, retrying' : 'Connecting…';
}

function TabButton({ tab, route, go, label, badge }: { tab: Tab; route: Route; go: Navigate; label: string; badge?: number }) {
  const active = route.tab === tab;
  return (
    <button class={`tab ${active ? 'active' : ''}`} aria-current={active ? 'page' : undefined} data-tab={tab} onClick={() => go({ tab })}>
      <Icon name={tab === 'chats' ? 'chat' : tab === 'contacts' ? 'person' : 'device'} />
      <span>{label}</span>
      {badge ? <span class="badge" aria-label={`${badge} unread`}>{badge}</span> : null}
    </button>
  );
}
