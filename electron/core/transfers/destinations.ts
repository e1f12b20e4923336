import type { TransferJob } from './job.js';
import { foldName } from './localNames.js';
import { partialPathFor } from './partialFile.js';

/**
 * The files running jobs write to: a download's local path, an upload's
 * remote path on its site. Two jobs writing one file would share its
 * partial (`name.ferrypart`) and leave a mix of both under the final name,
 * so a job whose destination is taken waits until the other ends, and then
 * meets the finished file as any existing one. Paths are compared folded
 * (Unicode NFC, lower case), so names that one file system takes for the
 * same file collide too; on a case-sensitive one that only makes two jobs
 * take turns.
 *
 * A claim covers the destination's partial too: a job writing `x` owns
 * `x.ferrypart`, so a job whose destination is named `x.ferrypart` (a
 * leftover copied from elsewhere) cannot rename its result onto the
 * partial `x` is being written into, nor the other way round.
 */
export class Destinations {
  /** Folded destination (or its partial) → the id of the job writing it. */
  private readonly owners = new Map<string, string>();

  /** The destination key of `path` for a job in `job`'s direction (and site). */
  private key(job: TransferJob, path: string): string {
    const folded = foldName(path);
    return job.direction === 'download' ? `local\0${folded}` : `remote\0${job.site}\0${folded}`;
  }

  /** The keys a job writing `path` touches: the file and its partial. */
  private keys(job: TransferJob, path: string): string[] {
    return [this.key(job, path), this.key(job, partialPathFor(path))];
  }

  /** Whether another job is writing `path` or its partial (the job's own destination when omitted). */
  inUse(job: TransferJob, path = destinationOf(job)): boolean {
    return this.keys(job, path).some((key) => {
      const owner = this.owners.get(key);
      return owner !== undefined && owner !== job.id;
    });
  }

  /** Marks `path` (the job's own destination when omitted) and its partial as written by `job`. */
  claim(job: TransferJob, path = destinationOf(job)): void {
    for (const key of this.keys(job, path)) this.owners.set(key, job.id);
  }

  /** Frees everything `job` claimed. */
  release(job: TransferJob): void {
    for (const [key, owner] of this.owners) if (owner === job.id) this.owners.delete(key);
  }
}

/** The file a job writes: a download's local path, an upload's remote one. */
function destinationOf(job: TransferJob): string {
  return job.direction === 'download' ? job.localPath : job.remotePath;
}
