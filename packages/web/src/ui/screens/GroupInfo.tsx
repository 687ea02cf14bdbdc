/**
 * @module ui/screens/GroupInfo
 * A group's members and settings: each member with their safety-number status, and add,
 * remove, rename and leave. Every change is a commit carrying the group's new state, so all of
 * the members' devices (and their later ones) see the same members and name.
 */
import { useState } from 'preact/hooks';
import type { Session } from '../../session/session.ts';
import { Avatar, Icon } from '../components/Icon.tsx';
import { errorText } from '../errorText.ts';
import type { Navigate } from '../Shell.tsx';

const SAFETY_TEXT = { self: '', changed: 'identity key changed', verified: 'verified', unchanged: 'not verified yet' } as const;

export function GroupInfo({ session, chatKey, go }: { session: Session; chatKey: string; go: Navigate }) {
  const chat = session.chats().find((c) => c.key === chatKey);
  const [name, setName] = useState(chat?.title ?? '');
  const [adding, setAdding] = useState('');
  const [error, setError] = useState('');
  const [done, setDone] = useState('');
  const [busy, setBusy] = useState(false);
  const [leaving, setLeaving] = useState(false);
  const back = () => go({ tab: 'chats', chat: chatKey });

  const left = !!chat && chat.conversationIds.every((id) => session.client.conversation(id)?.left !== false);
  if (!chat || chat.kind !== 'group' || left) {
    return (
      <div class="pane" data-screen="group-info">
        <header class="bar">
          <button class="icon-button back" aria-label="Back" onClick={() => go({ tab: 'chats' })}><Icon name="back" /></button>
          <div class="bar-title"><h1>Group</h1></div>
        </header>
        <p class="empty muted">You are no longer in this group.</p>
      </div>
    );
  }

  async function run(what: () => Promise<void>, success: string): Promise<void> {
    setBusy(true);
    setError('');
    setDone('');
    try {
      await what();
      setDone(success);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  const members = [...chat.members].sort((a, b) => (a === session.me ? -1 : b === session.me ? 1 : session.displayName(a).localeCompare(session.displayName(b))));
  const candidates = session.directory().filter((u) => !chat.members.includes(u.handle));

  return (
    <div class="pane" data-screen="group-info" data-chat={chatKey}>
      <header class="bar">
        <button class="icon-button back" aria-label="Back" onClick={back}><Icon name="back" /></button>
        <div class="bar-title">
          <h1 dir="auto" title={chat.title}>{chat.title}</h1>
          <p class="muted">{chat.members.length} members · encrypted</p>
        </div>
      </header>
      <div class="scroll stack pad">
        <form
          class="stack"
          data-form="rename"
          onSubmit={(e) => {
            e.preventDefault();
            void run(() => session.renameGroup(chatKey, name), 'Group renamed');
          }}
        >
          <label>Group name<input name="groupName" dir="auto" value={name} maxLength={64} required onInput={(e) => setName(e.currentTarget.value)} /></label>
          <button class="secondary" type="submit" disabled={busy || !name.trim() || name.trim() === chat.title}>Rename</button>
        </form>

        <h2>Members</h2>
        <ul class="rows compact" aria-label="Members">
          {members.map((h) => {
            const changed = h !== session.me && session.keysChanged(h);
            const status = h === session.me ? 'self' : changed ? 'changed' : session.verified(h) ? 'verified' : 'unchanged';
            return (
              <li key={h} data-member={h}>
                <div class="row">
                  <Avatar name={session.displayName(h)} size="sm" />
                  <span class="row-main">
                    <span class="row-title" dir="auto" title={session.displayName(h)}>{h === session.me ? 'You' : session.displayName(h)}</span>
                    <span class={`row-sub ${changed ? 'warn' : ''}`} data-safety={status}>
                      @{h}
                      {h !== session.me && ` · ${SAFETY_TEXT[status]}`}
                    </span>
                  </span>
                  {h !== session.me && (
                    <span class="member-actions">
                      <button class="link" aria-label={`${changed ? 'Compare safety number' : 'Safety number'} with ${session.displayName(h)}`} onClick={() => go({ tab: 'contacts', safety: h, fromChat: chatKey })}>{changed ? 'Compare' : 'Safety number'}</button>
                      <button class="link danger" aria-label={`Remove ${session.displayName(h)}`} disabled={busy} onClick={() => void run(() => session.removeFromGroup(chatKey, h), `${session.displayName(h)} removed`)}>
                        Remove
                      </button>
                    </span>
                  )}
                </div>
              </li>
            );
          })}
        </ul>

        <form
          class="stack"
          data-form="add-member"
          onSubmit={(e) => {
            e.preventDefault();
            if (adding) void run(async () => { await session.addToGroup(chatKey, adding); setAdding(''); }, `${session.displayName(adding)} added`);
          }}
        >
          <label>
            Add a member
            <select name="member" value={adding} onChange={(e) => setAdding(e.currentTarget.value)}>
              <option value="">Choose a person…</option>
              {candidates.map((u) => (
                <option key={u.handle} value={u.handle}>{session.displayName(u.handle)} (@{u.handle})</option>
              ))}
            </select>
          </label>
          <button class="secondary" type="submit" disabled={busy || !adding}>Add</button>
        </form>

        {error && <p class="error" role="alert">{error}</p>}
        {done && <p class="muted" role="status" data-notice="group">{done}</p>}

        {!leaving && <button class="danger secondary" data-leave disabled={busy} onClick={() => setLeaving(true)}>Leave group</button>}
        {leaving && (
          <div
            class="banner warning"
            role="alert"
            onKeyDown={(e) => {
              if (e.key === 'Escape') setLeaving(false);
            }}
          >
            <div>
              <p>Leave “{chat.title}”? You will stop receiving its messages; to come back, a member must add you again.</p>
              <div class="banner-actions">
                <button
                  class="danger secondary"
                  disabled={busy}
                  onClick={() =>
                    void run(async () => {
                      await session.leaveGroup(chatKey);
                      go({ tab: 'chats' });
                    }, 'You left the group')
                  }
                >
                  Leave
                </button>
                <button class="link" onClick={() => setLeaving(false)}>Cancel</button>
              </div>
            </div>
          </div>
        )}
      </div>
    </div>
  );
}
