/**
 * @module cli
 * `hardline exposure …`: argument parsing and output only; the work is in exposureReport.
 * Returns an exit code instead of exiting, so the `hardline` CLI and the tests can call it
 * in-process.
 */
import { parseArgs } from 'node:util';
import { ExposureError } from './exposureError.ts';
import { buildExposureReport, DEFAULT_COUNTRY } from './exposureReport.ts';
import { parseLogArgument } from './logArgument.ts';
import { writeHtmlReport } from './render/htmlReport.ts';
import { renderJsonReport } from './render/jsonReport.ts';
import { createProgressBar } from './render/progressBar.ts';
import { renderTerminalTable } from './render/terminalTable.ts';
import { parseUtcOffset } from './timestamps.ts';

export type CommandIo = {
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
  /** Whether stderr is a terminal: only then is a progress bar drawn. */
  readonly isTTY?: boolean;
};

export const EXPOSURE_USAGE = `Usage: hardline exposure report FILE… [options]

Shows what an eavesdropper learned from insecure phone call logs.
FILE is a call log: a call/SMS CSV, an iPhone CallHistory.storedata, or an
Android call-log XML. Write label=FILE or label@+31612345678=FILE to name
whose log it is (and their own number); the first person is the principal,
the others are advisers. Several files with one label are merged.

Options:
  --names FILE.vcf     put names to numbers from a vCard address book
  --country CC         country for numbers without a country code (default ${DEFAULT_COUNTRY})
  --utc-offset ±HH:MM  the owners' time zone offset (default: this machine's)
  --out FILE.html      also write a self-contained HTML report (mode 0600)
  --json               print one JSON object instead of the table
  --top N              partners listed per person (default 15)
  -h, --help           show this help
`;

export async function runExposureCommand(argv: string[], io: CommandIo): Promise<number> {
  try {
    return run(argv, io);
  } catch (error) {
    if (error instanceof ExposureError) {
      io.stderr(`hardline exposure: ${error.code}: ${error.message}\n`);
      if (error.code === 'USAGE') io.stderr('Run "hardline exposure --help" for usage.\n');
      return error.code === 'USAGE' ? 2 : 1;
    }
    throw error;
  }
}

function run(argv: string[], io: CommandIo): number {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        names: { type: 'string' }, country: { type: 'string' }, 'utc-offset': { type: 'string' },
        out: { type: 'string' }, json: { type: 'boolean' }, top: { type: 'string' }, help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (cause) {
    throw new ExposureError('USAGE', (cause as Error).message, { cause });
  }
  const { values, positionals } = parsed;
  if (values.help === true || positionals.length === 0) {
    (values.help === true ? io.stdout : io.stderr)(EXPOSURE_USAGE);
    return values.help === true ? 0 : 2;
  }
  const [command, ...files] = positionals;
  if (command !== 'report') throw new ExposureError('USAGE', `unknown subcommand "${command}"`);
  if (files.length === 0) throw new ExposureError('USAGE', 'no call log given');
  let utcOffsetMinutes = -new Date().getTimezoneOffset();
  if (values['utc-offset'] !== undefined) {
    const parsedOffset = parseUtcOffset(values['utc-offset']);
    if (parsedOffset === undefined) throw new ExposureError('USAGE', `--utc-offset "${values['utc-offset']}" is not like +01:00`);
    utcOffsetMinutes = parsedOffset;
  }
  let top = 15;
  if (values.top !== undefined) {
    top = Number(values.top);
    if (!Number.isInteger(top) || top < 1 || top > 10_000) throw new ExposureError('USAGE', `--top "${values.top}" is not a whole number from 1 to 10000`);
  }
  if (values.out !== undefined && !/\.html?$/i.test(values.out)) throw new ExposureError('USAGE', `--out "${values.out}" should end in .html`);

  const bar = io.isTTY === true ? createProgressBar(io.stderr) : undefined;
  let report;
  try {
    report = buildExposureReport(files.map(parseLogArgument), {
      country: values.country ?? DEFAULT_COUNTRY,
      utcOffsetMinutes,
      namesFile: values.names,
      progress: bar?.progress,
      detailTop: Math.max(25, top),
    });
  } finally {
    bar?.finish();
  }
  if (values.out !== undefined) {
    writeHtmlReport(values.out, report, { top: Math.max(20, top) });
    io.stderr(`Wrote ${values.out} (mode 0600). It maps who talks to whom: keep it safe and delete it when done.\n`);
  }
  io.stdout(values.json === true ? renderJsonReport(report) : renderTerminalTable(report, { top }));
  return 0;
}
