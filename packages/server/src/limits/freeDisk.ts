/**
 * @module freeDisk
 * The data folder's free space, and the floor below which writes that add data are refused
 * (507 DISK_FULL) while reads and acknowledgements, which free space, go on. A full disk would
 * fail SQLite commits half-way through a batch and stop the relay from deleting anything; the
 * floor (`minFreeDiskBytes`) keeps room for acks, tombstones and the WAL.
 *
 * The figure is read with statfs at most once a second and shared by every request in that
 * second: a flood of posts makes one syscall a second, not one each. A flood can overshoot the
 * floor by what it writes in that second (about 80 MB at the fastest flood measured, issue 10),
 * well inside the default 1 GiB.
 */
import { statfs } from 'node:fs/promises';
import { RelayError } from '../errors/relayError.ts';

/** Bytes an unprivileged process can still write on the data folder's file system. */
export type DiskFreeProbe = () => Promise<number>;

export function statfsProbe(dir: string): DiskFreeProbe {
  return async () => {
    const s = await statfs(dir);
    return s.bavail * s.bsize;
  };
}

/** How long one reading stands for every request. */
export const DISK_READING_MS = 1_000;

export class FreeDisk {
  readonly #probe: DiskFreeProbe;
  readonly #minFree: number;
  readonly #now: () => number;
  readonly #onError: (e: unknown) => void;
  /** Until the first reading: assume room, so a relay on a file system without statfs still runs. */
  #free = Number.POSITIVE_INFINITY;
  #readAt = Number.NEGATIVE_INFINITY;
  #reading: Promise<void> | undefined;

  constructor(probe: DiskFreeProbe, minFree: number, now: () => number, onError: (e: unknown) => void) {
    this.#probe = probe;
    this.#minFree = minFree;
    this.#now = now;
    this.#onError = onError;
  }

  /** Throws DISK_FULL when the free space is under the floor; reads it again when a second old. */
  async requireRoom(): Promise<void> {
    if (this.#now() - this.#readAt >= DISK_READING_MS) await this.#read();
    if (this.#free < this.#minFree) {
      throw new RelayError('DISK_FULL', "the relay's disk is nearly full; try again later (reads and acknowledgements still work)");
    }
  }

  /** One reading at a time; concurrent callers wait for the same one. */
  #read(): Promise<void> {
    this.#reading ??= this.#probe()
      .then(
        (free) => {
          this.#free = free;
        },
        // A failing statfs is counted, and the last reading stands: refusing every write because
        // the figure cannot be read would be a worse failure than the one the floor prevents.
        (e: unknown) => this.#onError(e),
      )
      .finally(() => {
        this.#readAt = this.#now();
        this.#reading = undefined;
      });
    return this.#reading;
  }
}
