/**
 * @module ui/screens/ChatList
 * Conversations, newest first, with unread counts; and starting a new one.
 */
import { useState } from 'preact/hooks';
import type { Session } from '../../session/session.ts';
import { directKey } from '../../session/chatModel.ts';
import { Avatar, Icon } from '../components/Icon.tsx';
import { errorText } from '../errorText.ts';
import { shortTime } from '../format.ts';
import type { Navigate } from '../Shell.tsx';

export function ChatList({ session, selected, go }: { session: Session; selected?: string; go: Navigate }) {
  const [picking, setPicking] = useState(false);
  const chats = session.chats();
  return (
    <div class="pane" data-screen="chats">
      <header class="bar">
        <h1>Chats</h1>
        <button class="icon-button" aria-label="New chat" onClick={() => setPicking(!picking)}>
          <Icon name="plus" />
        </button>
      </header>
      {picking && <NewChat session={session} go={go} done={() => setPicking(false)} />}
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
              <button class={`row ${selected === c.key ? 'selected' : ''}`} data-chat={c.key} onClick={() => go({ tab: 'chats', chat: c.key })}>
                <Avatar name={title} />
                <span class="row-main">
                  <span class="row-title" dir="auto">
                    {title}
                    {c.kind === 'group' && <span class="tag">group</span>}
                  </span>
                  <span class="row-sub" dir="auto">{last ? `${last.mine ? 'You: ' : c.kind === 'group' && !last.notice ? `${session.displayName(last.from)}: ` : ''}${last.text}` : 'No messages yet'}</span>
                </span>
                <span class="row-end">
                  <span class="row-time">{shortTime(c.lastAt)}</span>
                  {c.unread > 0 && <span class="badge" data-unread={c.unread} aria-label={`${c.unread} unread`}>{c.unread}</span>}
                </span>
              </button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

function NewChat({ session, go, done }: { session: Session; go: Navigate; done: () => void }) {
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
    <div class="sheet">
      <div class="segmented">
        <button class={!group ? 'on' : ''} onClick={() => setGroup(false)}>Person</button>
        <button class={group ? 'on' : ''} onClick={() => setGroup(true)}>Group</button>
      </div>
      {!group && (
        <ul class="rows compact">
          {people.map((u) => (
            <li key={u.handle}>
              <button class="row" onClick={() => { done(); go({ tab: 'chats', chat: directKey(u.handle) }); }}>
                <Avatar name={session.displayName(u.handle)} size="sm" />
                <span class="row-main"><span class="row-title" dir="auto">{session.displayName(u.handle)}</span><span class="row-sub">@{u.handle}</span></span>
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
    </div>
  );
}
