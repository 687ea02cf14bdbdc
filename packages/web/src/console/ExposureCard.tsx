/**
 * @module console/ExposureCard
 * The exposure report in the console (issue 13, point 6): an insecure phone's call log, picked
 * with a file input, is analysed in this tab by @hardline/exposure and never uploaded; nothing
 * here calls the relay except the signed invite the team asks for, which names no one. The
 * report stays in memory and is gone when the tab closes.
 */
import { useRef, useState } from 'preact/hooks';
import { analyseLogFiles, BROWSER_DEFAULT_COUNTRY, type ExposureReport, type LogFileGroup } from '@hardline/exposure/browser';
import { ExposureResults } from './ExposureResults.tsx';

type Props = {
  /** Signs a one-time invite (no handle) and returns the enrolment link; undefined without an org key. */
  readonly invite: (() => Promise<string>) | undefined;
  readonly onKept?: () => void;
};

/** Extensions only guide the picker: the format is read from the content. */
const ACCEPT = '.csv,.txt,.xml,.vcf,.storedata,.sqlite,.db,text/csv,text/xml';

/** "chief-of-staff.xml" → "Chief of staff": matched, case aside, against the address book's names to find the adviser's number. */
const personOf = (f: File) => {
  const words = f.name.replace(/\.[^.]*$/, '').replace(/[-_.]+/g, ' ').trim() || f.name;
  return words[0]!.toUpperCase() + words.slice(1);
};

export function ExposureCard({ invite, onKept }: Props) {
  const [principal, setPrincipal] = useState<File[]>([]);
  const [advisers, setAdvisers] = useState<File[]>([]);
  const [country, setCountry] = useState(BROWSER_DEFAULT_COUNTRY);
  const [owner, setOwner] = useState('');
  const [progress, setProgress] = useState<number | undefined>();
  const [error, setError] = useState('');
  const [report, setReport] = useState<ExposureReport | undefined>();
  const running = useRef<AbortController | undefined>(undefined);

  const analyse = async (e: Event) => {
    e.preventDefault();
    setError('');
    setReport(undefined);
    setProgress(0);
    try {
      // A vCard among the advisers' files names numbers; it is no adviser of its own.
      const isBook = (f: File) => /\.vcf$/i.test(f.name);
      const groups: LogFileGroup[] = [
        { label: 'Principal', owner: owner.trim() || undefined, files: [...principal, ...advisers.filter(isBook)] },
        ...advisers.filter((f) => !isBook(f)).map((f) => ({ label: personOf(f), files: [f] })),
      ];
      running.current = new AbortController();
      setReport(await analyseLogFiles(groups, { country, signal: running.current.signal, onProgress: (done, total) => setProgress(total === 0 ? 1 : done / total) }));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      running.current = undefined;
      setProgress(undefined);
    }
  };

  return (
    <section class="card" aria-labelledby="exposure-h" data-exposure>
      <h2 id="exposure-h">Exposure report</h2>
      <p class="muted">
        What an eavesdropper learned from an insecure phone's call log, and whom to protect first. The files are read in this
        browser and never uploaded.
      </p>
      <form class="exposure-form" onSubmit={analyse}>
        <label>
          The principal's call log (CSV, Android XML or an iPhone's CallHistory.storedata; add the address book as .vcf for names)
          <input type="file" multiple data-exposure-principal accept={ACCEPT} onChange={(e) => setPrincipal([...(e.currentTarget.files ?? [])])} />
        </label>
        <label>
          Advisers' call logs (optional, one file each, named after the adviser)
          <input type="file" multiple data-exposure-advisers accept={ACCEPT} onChange={(e) => setAdvisers([...(e.currentTarget.files ?? [])])} />
        </label>
        <label class="exposure-owner">
          The principal's own number (optional: it links the advisers' logs to the principal)
          <input name="owner" value={owner} inputMode="tel" autocomplete="off" onInput={(e) => setOwner(e.currentTarget.value)} />
        </label>
        <label class="exposure-country">
          Country for numbers without a country code
          <input name="country" value={country} maxLength={2} size={3} onInput={(e) => setCountry(e.currentTarget.value.toUpperCase())} />
        </label>
        <div class="console-row">
          <button class="primary" data-exposure-analyse disabled={principal.length === 0 || progress !== undefined}>Analyse in this browser</button>
          {progress !== undefined && <progress max={1} value={progress} aria-label="Reading the call logs" />}
          {progress !== undefined && <button class="secondary" type="button" data-exposure-cancel onClick={() => running.current?.abort()}>Cancel</button>}
        </div>
      </form>
      {error && <p class="console-alert" role="alert" data-exposure-error>{error}</p>}
      {report && <ExposureResults report={report} invite={invite} onKept={onKept} />}
    </section>
  );
}
