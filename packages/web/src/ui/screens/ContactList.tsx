/**
 * @module ui/screens/ContactList
 * The contact book: search, favourites, recently contacted, everyone; vCard import and export.
 */
import { useState } from 'preact/hooks';
import type { Session } from '../../session/session.ts';
import type { BookEntry } from '../../contacts/contactBookAdapter.ts';
import { Avatar, Icon, Star } from '../components/Icon.tsx';
import { importErrorText } from '../errorText.ts';
import type { Navigate } from '../Shell.tsx';

const MAX_FILE_BYTES = 5 * 1024 * 1024;

export function ContactList({ session, selected, go, heading: H = 'h1' }: { session: Session; selected?: string; go: Navigate; heading?: 'h1' | 'h2' }) {
  const [query, setQuery] = useState('');
  const [notice, setNotice] = useState<{ kind: 'ok' | 'error'; text: string } | undefined>();
  const book = session.book;
  const searching = query.trim() !== '';
  const all = searching ? book.search(query) : book.list();
  const favourites = searching ? [] : all.filter((e) => e.favourite);
  const recent = searching ? [] : book.recent(5);

  async function importFile(e: Event) {
    const input = e.currentTarget as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    setNotice(undefined);
    if (file.size > MAX_FILE_BYTES) {
      setNotice({ kind: 'error', text: `“${file.name}” is too large to import (${(file.size / 1024 / 1024).toFixed(1)} MB; the limit is 5 MB). Your contacts were not changed.` });
      return;
    }
    try {
      const r = await book.importVCard(await file.text());
      setNotice({ kind: 'ok', text: `Imported ${r.added + r.updated} contact${r.added + r.updated === 1 ? '' : 's'}; ${r.linked} on Hardline.` });
    } catch (err) {
      setNotice({ kind: 'error', text: `Could not import “${file.name}”: ${importErrorText(err)} Your contacts were not changed.` });
    }
  }

  function exportFile() {
    let text: string;
    try {
      text = book.exportVCard();
    } catch (err) {
      // The org policy may keep the contact book inside Hardline (POLICY_FORBIDS): say so.
      setNotice({ kind: 'error', text: err instanceof Error ? err.message : String(err) });
      return;
    }
    const blob = new Blob([text], { type: 'text/vcard' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = 'hardline-contacts.vcf';
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  }

  return (
    <div class="pane" data-screen="contacts">
      <header class="bar">
        <H class="pane-title">Contacts</H>
        <button class="icon-button" aria-label="Add contact" data-add-contact onClick={() => go({ tab: 'contacts', contact: 'new' })}><Icon name="plus" /></button>
      </header>
      <div class="toolbar">
        <label class="search">
          <Icon name="search" />
          <input type="search" aria-label="Search contacts" placeholder="Search name, number, email" value={query} onInput={(e) => setQuery(e.currentTarget.value)} />
        </label>
        <label class="button secondary file">
          <Icon name="upload" /> Import
          <input type="file" accept=".vcf,text/vcard,text/x-vcard" aria-label="Import vCard file" onChange={importFile} />
        </label>
        <button class="secondary" onClick={exportFile} disabled={book.list().length === 0}><Icon name="download" /> Export</button>
      </div>
      {notice && <p class={notice.kind === 'ok' ? 'success' : 'error'} role={notice.kind === 'ok' ? 'status' : 'alert'} data-notice={notice.kind}>{notice.text}</p>}
      {all.length === 0 && (
        <div class="empty">
          <p>{searching ? 'No contact matches.' : 'Your contact book is empty.'}</p>
          {!searching && <p class="muted">Add people, or import a .vcf file exported from your phone. The book is encrypted on this device and synced only to your own devices.</p>}
        </div>
      )}
      {favourites.length > 0 && <Section title="Favourites" entries={favourites} session={session} selected={selected} go={go} />}
      {recent.length > 0 && <Section title="Recently contacted" entries={recent} session={session} selected={selected} go={go} />}
      {all.length > 0 && <Section title={searching ? 'Results' : `All contacts (${all.length})`} entries={all} session={session} selected={selected} go={go} />}
    </div>
  );
}

function Section({ title, entries, session, selected, go }: { title: string; entries: readonly BookEntry[]; session: Session; selected?: string; go: Navigate }) {
  return (
    <section class="section">
      <h2>{title}</h2>
      <ul class="rows" aria-label={title}>
        {entries.map((e) => (
          <li key={e.id}>
            <button class={`row ${selected === e.id ? 'selected' : ''}`} aria-current={selected === e.id ? 'true' : undefined} data-contact={e.name} data-contact-id={e.id} onClick={() => go({ tab: 'contacts', contact: e.id })}>
              <Avatar name={e.name} />
              <span class="row-main">
                <span class="row-title" dir="auto" title={e.name}>{e.name}</span>
                <span class="row-sub">
                  {e.hardlineHandle ? (
                    <span class="on-hardline" data-on-hardline={e.hardlineHandle}>On Hardline · @{e.hardlineHandle}</span>
                  ) : (
                    <span class="not-yet">Not on Hardline yet{e.phones[0] ? ` · ${e.phones[0]}` : ''}</span>
                  )}
                </span>
              </span>
              {e.favourite && <span class="row-end fav"><Star filled /><span class="sr-only">, favourite</span></span>}
              {e.hardlineHandle && session.keysChanged(e.hardlineHandle) && <span class="row-end warn" title="Safety number changed"><Icon name="warning" /><span class="sr-only">, safety number changed</span></span>}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
