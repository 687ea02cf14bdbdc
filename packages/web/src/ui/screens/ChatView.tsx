/**
 * @module ui/screens/ChatView
 * One conversation. Message text is rendered as text nodes only: no HTML, no link previews,
 * nothing fetched on a message's behalf.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { MAX_MESSAGE_CHARS } from '@hardline/protocol';
import { QueuedError } from '@hardline/client';
import type { Session } from '../../session/session.ts';
import { DISAPPEAR_CHOICES, formatDuration, shortDuration, type Chat } from '../../session/chatModel.ts';
import { Icon } from '../components/Icon.tsx';
import { KeyChangeBanner } from '../components/KeyChangeBanner.tsx';
import { errorText } from '../errorText.ts';
import { clockTime } from '../format.ts';
import type { Navigate } from '../Shell.tsx';
import { CallButton } from '../../calls/CallButton.tsx';
import { withCallNotices } from '../../calls/callLog.ts';

/** The composer shows a count from here on, and a refusal past the limit. */
const LIMIT_WARNING_AT = MAX_MESSAGE_CHARS - 10_000;

const STATUS_TEXT = { queued: 'Waiting to send', sent: 'Sent', delivered: 'Delivered' } as const;

export function ChatView({ session, chatKey, go }: { session: Session; chatKey: string; go: Navigate }) {
  const chat: Chat | undefined = session.chats().find((c) => c.key === chatKey);
  const peer = chatKey.startsWith('d:') ? chatKey.slice(2) : undefined;
  const title = peer ? session.displayName(peer) : (chat?.title ?? 'Conversation');
  const [draft, setDraft] = useState('');
  const [error, setError] = useState('');
  const [sending, setSending] = useState(false);
  const endRef = useRef<HTMLDivElement>(null);
  const messages = withCallNotices(chat?.messages ?? [], peer ? session.calls.history.forPeer(peer) : [], title, session.me);
  const lastId = messages.at(-1)?.id;

  useEffect(() => {
    endRef.current?.scrollIntoView({ block: 'end' });
    if (document.visibilityState === 'visible') void session.markRead(chatKey);
  }, [lastId, chatKey]);

  async function send(e: Event) {
    e.preventDefault();
    const text = draft.trim();
    if (!text || sending || tooLong) return;
    setSending(true);
    setError('');
    try {
      await session.send(chatKey, text);
      // Only what was sent: words typed while it was sending stay in the box.
      setDraft((d) => (d === draft ? '' : d));
    } catch (err) {
      setError(errorText(err));
      // A queued message is kept by the engine; clear the box so it is not sent twice.
      if (err instanceof QueuedError || session.client.pendingOutbox() > 0) setDraft((d) => (d === draft ? '' : d));
    } finally {
      setSending(false);
    }
  }

  const tooLong = draft.length > MAX_MESSAGE_CHARS;
  // Removed from the group, or left it: the history stays readable, nothing can be sent.
  const leftGroup = chat?.kind === 'group' && chat.conversationIds.every((id) => session.client.conversation(id)?.left !== false);
  const changed = (peer ? [peer] : (chat?.members ?? []).filter((m) => m !== session.me)).filter((h) => session.keysChanged(h));

  return (
    <div class="pane chat" data-screen="chat" data-chat={chatKey}>
      <header class="bar">
        <button class="icon-button back" aria-label="Back" onClick={() => go({ tab: 'chats' })}><Icon name="back" /></button>
        <div class="bar-title">
          <h1 dir="auto" title={title}>{title}</h1>
          <p class="muted">{peer ? `@${peer}` : `${chat?.members.length ?? 0} members`} · encrypted</p>
        </div>
        {peer && <CallButton session={session} handle={peer} compact />}
        {chat?.kind === 'group' && (
          <button class="icon-button" aria-label="Group info" title="Members and settings" onClick={() => go({ tab: 'chats', chat: chatKey, info: true })}>
            <Icon name="group" />
          </button>
        )}
        {peer && (
          <button class="icon-button" aria-label="Safety number" title="Safety number" onClick={() => go({ tab: 'contacts', safety: peer, fromChat: chatKey })}>
            <Icon name="shield" />
          </button>
        )}
        <label class={`timer ${chat && chat.disappearSeconds > 0 ? 'on' : ''}`} title={`Disappearing messages: ${formatDuration(chat?.disappearSeconds ?? 0)}`}>
          <Icon name="timer" />
          {chat && chat.disappearSeconds > 0 && <span class="timer-value" data-timer={chat.disappearSeconds}>{shortDuration(chat.disappearSeconds)}</span>}
          <select
            aria-label="Disappearing messages"
            value={String(chat?.disappearSeconds ?? 0)}
            disabled={!chat}
            onChange={(e) => void session.setDisappearing(chatKey, Number(e.currentTarget.value)).catch((err) => setError(errorText(err)))}
          >
            {DISAPPEAR_CHOICES.map((s) => (
              <option key={s} value={String(s)}>{s === 0 ? 'Off' : formatDuration(s)}</option>
            ))}
          </select>
        </label>
      </header>
      {peer && session.unverifiableDevices(peer) > 0 && (
        <div class="banner warning" role="status" data-warning="unverifiable-device" data-handle={peer}>
          <Icon name="warning" />
          <div>
            {session.notInLogDevices(peer) > 0 ? (
              // The relay hides this key from the public log: only some people are shown it.
              <p data-reason="not-in-log">The server shows a key for a device of <bdi>{title}</bdi> that it keeps out of its public key log, so nobody else can check it. Hardline does not send it anything. Tell your security team.</p>
            ) : (
              <p>A device listed under <bdi>{title}</bdi> is not certified by their identity key. Hardline does not send it anything. If {title} did not just link a device, tell your security team.</p>
            )}
          </div>
        </div>
      )}
      {peer && session.unsignedRevocations(peer) > 0 && (
        <div class="banner warning" role="status" data-warning="unsigned-revocation" data-handle={peer}>
          <Icon name="warning" />
          <div>
            <p>The server says a device of <bdi>{title}</bdi> was removed, but neither {title} nor your security team signed that. Hardline still sends it messages; the server may be keeping it offline. Ask {title}, and tell your security team.</p>
          </div>
        </div>
      )}
      {changed.map((h) => (
        <KeyChangeBanner key={h} session={session} handle={h} onCompare={() => go({ tab: 'contacts', safety: h, fromChat: chatKey })} />
      ))}
      <div class="messages" role="log" aria-live="polite" aria-label={`Messages with ${title}`}>
        {messages.length === 0 && <p class="empty muted">Messages are end-to-end encrypted. Say hello.</p>}
        {messages.map((m) =>
          m.notice ? (
            <p key={m.id} class="notice" dir="auto">{m.text}</p>
          ) : (
            <div key={m.id} class={`msg ${m.mine ? 'mine' : 'theirs'}`} data-message-id={m.id}>
              {/* Read aloud as "Sender: text, time, status": the sender is visible only in groups. */}
              {!m.mine && chat?.kind === 'group' ? (
                <><span class="msg-from" dir="auto">{session.displayName(m.from)}</span><span class="sr-only">: </span></>
              ) : (
                <span class="sr-only">{m.mine ? 'You' : title}: </span>
              )}
              <span class="msg-text" dir="auto">{m.text}</span>
              <span class="msg-meta">
                <span class="sr-only">, </span>
                <time dateTime={m.sentAt}>{clockTime(m.sentAt)}</time>
                {m.mine && m.status && (
                  <>
                    <span class="sr-only">, </span>
                    <span class={`tick ${m.status}`} role="img" data-status={m.status} title={STATUS_TEXT[m.status]} aria-label={STATUS_TEXT[m.status]}>
                      {m.status === 'delivered' ? '✓✓' : m.status === 'sent' ? '✓' : '◷'}
                    </span>
                  </>
                )}
              </span>
            </div>
          ),
        )}
        {chat && chat.disappearSeconds > 0 && <p class="notice subtle">Messages disappear {formatDuration(chat.disappearSeconds)} after they arrive.</p>}
        <div ref={endRef} />
      </div>
      {error && <p class="error inline" role="alert">{error}</p>}
      {draft.length > LIMIT_WARNING_AT && (
        // Said before sending, so a long paste is never cut or refused without a word.
        <p class={`inline ${tooLong ? 'error' : 'muted'}`} role={tooLong ? 'alert' : 'status'} data-length-limit={tooLong ? 'over' : 'near'}>
          {tooLong
            ? `This message is ${draft.length.toLocaleString()} characters; the limit is ${MAX_MESSAGE_CHARS.toLocaleString()}. Shorten it or send it in pieces.`
            : `${draft.length.toLocaleString()} of ${MAX_MESSAGE_CHARS.toLocaleString()} characters`}
        </p>
      )}
      {leftGroup ? (
        <p class="notice" role="status" data-left-group>You are no longer in this group.</p>
      ) : (
        <form class="composer" onSubmit={send}>
          {/* autocomplete off: else Chromium keeps the draft in the profile's session-restore file. */}
          <textarea
            data-autofocus
            aria-label="Message"
            autocomplete="off"
            placeholder="Message"
            dir="auto"
            rows={1}
            value={draft}
            onInput={(e) => setDraft(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && !e.shiftKey) send(e);
            }}
          />
          <button class="send" type="submit" aria-label="Send" disabled={!draft.trim() || sending || tooLong}><Icon name="send" /></button>
        </form>
      )}
    </div>
  );
}
