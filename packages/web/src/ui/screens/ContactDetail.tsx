/**
 * @module ui/screens/ContactDetail
 * One contact: view, edit, favourite, delete; message or verify a Hardline contact; invite
 * one who is not on Hardline yet.
 */
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { Session } from '../../session/session.ts';
import type { BookEntry, EntryDraft } from '../../contacts/contactBookAdapter.ts';
import { directKey } from '../../session/chatModel.ts';
import { Avatar, Icon, Star } from '../components/Icon.tsx';
import { KeyChangeBanner } from '../components/KeyChangeBanner.tsx';
import { errorText } from '../errorText.ts';
import type { Navigate } from '../Shell.tsx';
import { focusElement, focusInside } from '../focus.ts';
import { CallButton } from '../../calls/CallButton.tsx';
import { RecentCalls } from '../../calls/RecentCalls.tsx';

export function ContactDetail({ session, contactId, go }: { session: Session; contactId: string; go: Navigate }) {
  const entry = contactId === 'new' ? undefined : session.book.get(contactId);
  const [editing, setEditing] = useState(contactId === 'new');
  const box = useRef<HTMLDivElement>(null);
  const first = useRef(true);
  // Opening or leaving the form replaces the focused control: go to the form's first field,
  // or back to Edit (the Shell handles arriving at the contact). A layout effect, before the
  // browser paints: an effect ran a frame later, or several on a busy machine, and took focus
  // away from a field the person had already clicked into, so what they typed next landed at
  // the end of the contact's name (web-devices: "Daan Jansen+31 6 5555 0101").
  useLayoutEffect(() => {
    if (first.current) return void (first.current = false);
    if (editing) focusInside(box.current);
    else if (!focusElement(box.current?.querySelector<HTMLElement>('[data-edit]'))) focusInside(box.current);
  }, [editing]);
  if (contactId !== 'new' && !entry) {
    return (
      <div class="pane"><header class="bar"><button class="icon-button back" aria-label="Back" onClick={() => go({ tab: 'contacts' })}><Icon name="back" /></button><h1>Contact</h1></header><p class="empty muted">This contact was deleted.</p></div>
    );
  }
  return (
    <div class="pane-box" ref={box}>
      {editing ? (
        <ContactForm session={session} entry={entry} go={go} done={(id) => (id ? go({ tab: 'contacts', contact: id }) : go({ tab: 'contacts' }), setEditing(false))} />
      ) : (
        <ContactCard session={session} entry={entry!} go={go} edit={() => setEditing(true)} />
      )}
    </div>
  );
}

function ContactCard({ session, entry, go, edit }: { session: Session; entry: BookEntry; go: Navigate; edit: () => void }) {
  const [error, setError] = useState('');
  const [invite, setInvite] = useState(false);
  const handle = entry.hardlineHandle;
  async function remove() {
    if (!confirm(`Delete ${entry.name} from your contacts on all your devices?`)) return;
    try {
      await session.book.remove(entry.id);
      go({ tab: 'contacts' });
    } catch (err) {
      setError(errorText(err));
    }
  }
  const inviteText = `Join me on Hardline, our organisation’s secure messenger. Ask the security team for an enrolment code, then open ${location.origin}`;
  return (
    <div class="pane" data-screen="contact" data-contact-id={entry.id}>
      <header class="bar">
        <button class="icon-button back" aria-label="Back" onClick={() => go({ tab: 'contacts' })}><Icon name="back" /></button>
        <h1 class="grow">Contact</h1>
        <button class="icon-button" aria-label={entry.favourite ? 'Remove from favourites' : 'Add to favourites'} aria-pressed={entry.favourite} onClick={() => void session.book.setFavourite(entry.id, !entry.favourite).catch((e) => setError(errorText(e)))}>
          <Star filled={entry.favourite} />
        </button>
        <button class="secondary" data-edit onClick={edit}>Edit</button>
      </header>
      <div class="scroll">
        <div class="hero">
          <Avatar name={entry.name} size="lg" />
          <h2 data-field="name" dir="auto" title={entry.name}>{entry.name}</h2>
          {handle ? <p class="on-hardline">On Hardline · @{handle}</p> : <p class="not-yet">Not on Hardline yet</p>}
        </div>
        {handle && session.keysChanged(handle) && <KeyChangeBanner session={session} handle={handle} onCompare={() => go({ tab: 'contacts', contact: entry.id, safety: handle })} />}
        <div class="actions">
          {handle ? (
            <>
              <button class="primary" onClick={() => go({ tab: 'chats', chat: directKey(handle) })}><Icon name="chat" /> Message</button>
              <CallButton session={session} handle={handle} />
              <button class="secondary" onClick={() => go({ tab: 'contacts', contact: entry.id, safety: handle })}><Icon name="shield" /> Safety number</button>
            </>
          ) : (
            <button class="primary" aria-expanded={invite} aria-controls="invite" onClick={() => setInvite(!invite)}>Invite to Hardline</button>
          )}
        </div>
        {handle && <RecentCalls session={session} handle={handle} />}
        {invite && (
          <div
            class="card invite"
            id="invite"
            data-invite
            onKeyDown={(e) => {
              if (e.key === 'Escape') {
                setInvite(false);
                focusElement(document.querySelector<HTMLElement>('[aria-controls=invite]'));
              }
            }}
          >
            <p>Send this to {entry.name} through a channel you trust:</p>
            <blockquote>{inviteText}</blockquote>
            <div class="row-buttons">
              <button class="secondary" onClick={() => void navigator.clipboard?.writeText(inviteText)}>Copy</button>
              {entry.phones[0] && <a class="button secondary" href={`sms:${encodeURIComponent(entry.phones[0])}?body=${encodeURIComponent(inviteText)}`}>Text message</a>}
              {entry.emails[0] && <a class="button secondary" href={`mailto:${encodeURIComponent(entry.emails[0])}?subject=${encodeURIComponent('Hardline')}&body=${encodeURIComponent(inviteText)}`}>Email</a>}
            </div>
          </div>
        )}
        <dl class="fields">
          {entry.phones.map((p, i) => <Field key={`p${i}`} label={i === 0 ? 'Phone' : ''} value={p} name="phone" />)}
          {entry.emails.map((m, i) => <Field key={`e${i}`} label={i === 0 ? 'Email' : ''} value={m} name="email" />)}
          {entry.notes && <Field label="Notes" value={entry.notes} name="notes" />}
        </dl>
        {error && <p class="error" role="alert">{error}</p>}
        <button class="danger link" onClick={remove}>Delete contact</button>
      </div>
    </div>
  );
}

function Field({ label, value, name }: { label: string; value: string; name: string }) {
  return (
    <div class="field">
      <dt>{label}</dt>
      <dd data-field={name} dir="auto">{value}</dd>
    </div>
  );
}

function ContactForm({ session, entry, go, done }: { session: Session; entry?: BookEntry; go: Navigate; done: (id?: string) => void }) {
  const [name, setName] = useState(entry?.name ?? '');
  const [phones, setPhones] = useState((entry?.phones ?? []).join('\n'));
  const [emails, setEmails] = useState((entry?.emails ?? []).join('\n'));
  const [notes, setNotes] = useState(entry?.notes ?? '');
  const [error, setError] = useState('');
  const cancel = () => (entry ? done(entry.id) : go({ tab: 'contacts' }));
  const lines = (s: string) => s.split(/\n|,/).map((x) => x.trim()).filter(Boolean);
  async function save(e: Event) {
    e.preventDefault();
    const next = { name: name.trim(), phones: lines(phones), emails: lines(emails), notes };
    const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
    // Only what changed: the other fields may be being edited on another device right now.
    const draft: EntryDraft = entry
      ? {
          id: entry.id,
          ...(next.name !== entry.name ? { name: next.name } : {}),
          ...(!same(next.phones, entry.phones) ? { phones: next.phones } : {}),
          ...(!same(next.emails, entry.emails) ? { emails: next.emails } : {}),
          ...(next.notes !== entry.notes ? { notes: next.notes } : {}),
        }
      : next;
    if (entry && Object.keys(draft).length === 1) return done(entry.id);
    try {
      const saved = await session.book.upsert(draft);
      done(saved.id);
    } catch (err) {
      setError(errorText(err));
    }
  }
  return (
    <form
      class="pane"
      data-screen="contact-edit"
      onSubmit={save}
      onKeyDown={(e) => {
        if (e.key === 'Escape') cancel();
      }}
    >
      <header class="bar">
        <h1 class="grow">{entry ? 'Edit contact' : 'New contact'}</h1>
        {/* A visible text button on every width: the back arrow is hidden on desktops. */}
        <button type="button" class="secondary" onClick={cancel}>Cancel</button>
        <button class="primary" type="submit" disabled={!name.trim()}>Save</button>
      </header>
      <div class="scroll stack">
        <label>Name<input data-autofocus name="name" dir="auto" value={name} maxLength={256} onInput={(e) => setName(e.currentTarget.value)} required /></label>
        <label>Phone numbers <span class="muted">(one per line)</span><textarea name="phones" rows={2} value={phones} onInput={(e) => setPhones(e.currentTarget.value)} /></label>
        <label>Emails <span class="muted">(one per line)</span><textarea name="emails" rows={2} value={emails} onInput={(e) => setEmails(e.currentTarget.value)} /></label>
        <label>Notes<textarea name="notes" dir="auto" rows={4} maxLength={8000} value={notes} onInput={(e) => setNotes(e.currentTarget.value)} /></label>
        {error && <p class="error" role="alert">{error}</p>}
      </div>
    </form>
  );
}
