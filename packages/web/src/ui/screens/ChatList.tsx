/**
 * @module ui/screens/ChatList
 * Conversations, newest first, with unread counts; and starting a new one.
 */
import { useRef, useState } from 'preact/hooks';
import type { Session } from '../../session/session.ts';
import { directKey } from '../../session/chatModel.ts';
import { Avatar, Icon } from '../components/Icon.tsx';
import { errorText } from '../errorText.ts';
import { shortTime } from '../format.ts';
import type { Navigate } from '../Shell.tsx';

export function ChatList({ session, selected, go, heading: H = 'h1' }: { session: Session; selected?: string; go: Navigate; heading?: 'h1' | 'h2' }) {
  const [picking, setPicking] = useState(false);
  const toggle = useRef<HTMLButtonElement>(null);
  const chats = session.chats();
  return (
    <div class="pane" data-screen="chats">
      <header class="bar">
        <H class="pane-title">Chats</H>
        <button ref={toggle} class="icon-button" aria-label="New chat" aria-expanded={picking} aria-controls="new-chat" onClick={() => setPicking(!picking)}>
          <Icon name="plus" />
        </button>
      </header>
      {picking && (
        <NewChat
          session={session}
          go={go}
          done={() => setPicking(false)}
          cancel={() => {
            setPicking(false);
            toggle.current?.focus();
          }}
        />
      )}
      {chats.length === 0 && !picking && (
        <div class="empty">
          <p>No conversations yet.</p>
          <p class="muted">Start one from your contacts, or with the + button.</p>
        </div>
      )}
      <ul class="rows" aria-label="Conversations">
        {chats.map((c) => {
          const last = c.messages.at(-1);
          const title = c.kind === 'direct' ? session.displayName(c.peer!) : c.title;
          return (
            <li key={c.key}>
              <button class={`row ${selected === c.key ? 'selected' : ''}`} aria-current={selected === c.key ? 'true' : undefined} data-chat={c.key} onClick={() => go({ tab: 'chats', chat: c.key })}>
                <Avatar name={title} />
                <span class="row-main">
                  <span class="row-title" dir="auto" title={title}>
                    {title}
                    {c.kind === 'group' && <span class="tag">group</span>}
                  </span>
                  <span class="row-sub" dir="auto">{last ? `${last.mine ? 'You: ' : c.kind === 'group' && !last.notice ? `${session.displayName(last.from)}: ` : ''}${last.text}` : 'No messages yet'}</span>
                </span>
                <span class="row-end">
                  <span class="row-time">{shortTime(c.lastAt)}</span>
                  {c.unread > 0 && <><span class="badge" data-unread={c.unread} aria-hidden="true">{c.unread}</span><span class="sr-only">, {c.unread} unread</span></>}
                </span>
              </button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

function NewChat({ session, go, done, cancel }: { session: Session; go: Navigate; done: () => void; cancel: () => void }) {
  const [group, setGroup] = useState(false);
  const [name, setName] = useState('');
  const [members, setMembers] = useState<string[]>([]);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const people = session.directory().filter((u) => u.handle !== session.me);

  async function createGroup(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      const key = await session.createGroup(name.trim(), members);
      done();
      go({ tab: 'chats', chat: key });
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  }

  return (
    <section
      class="sheet"
      id="new-chat"
      aria-label="New chat"
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          cancel();
        }
      }}
    >
      <div class="segmented" role="group" aria-label="Chat with">
        <button class={!group ? 'on' : ''} aria-pressed={!group} onClick={() => setGroup(false)}>Person</button>
        <button class={group ? 'on' : ''} aria-pressed={group} onClick={() => setGroup(true)}>Group</button>
      </div>
      {!group && (
        <ul class="rows compact">
          {people.map((u) => (
            <li key={u.handle}>
              <button class="row" onClick={() => { done(); go({ tab: 'chats', chat: directKey(u.handle) }); }}>
                <Avatar name={session.displayName(u.handle)} size="sm" />
                <span class="row-main"><span class="row-title" dir="auto" title={session.displayName(u.handle)}>{session.displayName(u.handle)}</span><span class="row-sub">@{u.handle}</span></span>
              </button>
            </li>
          ))}
          {people.length === 0 && <li class="muted pad">Nobody else has joined yet.</li>}
        </ul>
      )}
      {group && (
        <form onSubmit={createGroup} class="stack">
          <label>Group name<input dir="auto" value={name} maxLength={64} onInput={(e) => setName(e.currentTarget.value)} required /></label>
          <fieldset class="checks">
            <legend>Members</legend>
            {people.map((u) => (
              <label key={u.handle} class="check">
                <input type="checkbox" checked={members.includes(u.handle)} onChange={(e) => setMembers(e.currentTarget.checked ? [...members, u.handle] : members.filter((m) => m !== u.handle))} />
                {session.displayName(u.handle)} <span class="muted">@{u.handle}</span>
              </label>
            ))}
          </fieldset>
          {error && <p class="error" role="alert">{error}</p>}
          <button class="primary" type="submit" disabled={busy || !name.trim() || members.length === 0}>{busy ? 'Creating group…' : 'Create group'}</button>
        </form>
      )}
    </section>
  );
}
