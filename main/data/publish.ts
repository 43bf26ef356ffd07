// Publishing a finished result under its final name without ever replacing what is there. An
// export that checks the name at its start and renames at its end silently replaces a file made
// in between; here the check and the move are one operation of the file system, so whatever
// appears while an export runs is left untouched and the result stays where it was written.
import { link, mkdir, open, rename, rmdir, stat, unlink } from 'node:fs/promises';

/** The target appeared while the result was being made; the error names where the result is. */
export class PublishConflictError extends Error {
  override readonly name = 'PublishConflictError';
  constructor(
    readonly target: string,
    readonly keptAt: string,
  ) {
    super(
      `${target} appeared while the export ran, so it was left untouched; the result was kept in ${keptAt} (move or rename it yourself)`,
    );
  }
}

const code = (e: unknown) => (e as NodeJS.ErrnoException)?.code;

/** link(2) failing with these means the file system has no hard links (FAT, exFAT, some network shares). */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS']);

/**
 * Moves the finished file `temp` (a sibling of `out`) to `out`; throws PublishConflictError, keeping
 * `temp`, when anything has that name. link(2) fails with EEXIST instead of replacing, and is
 * atomic: readers see no file or the whole one. Node has no renameat2(RENAME_NOREPLACE).
 */
export async function publishFile(temp: string, out: string): Promise<void> {
  try {
    await link(temp, out);
  } catch (e) {
    if (code(e) === 'EEXIST') throw new PublishConflictError(out, temp);
    if (!NO_HARD_LINKS.has(code(e) ?? '')) throw e;
    return publishByClaim(temp, out);
  }
  await unlink(temp);
}

/**
 * Without hard links: claim the name with an exclusive create (atomic, fails when it exists), then
 * rename over our own empty claim. Only someone who deletes the claim and puts a file there within
 * that moment could lose it, and a crash in between leaves an empty file, never a partial one.
 */
async function publishByClaim(temp: string, out: string): Promise<void> {
  const claim = await open(out, 'wx').catch((e: unknown) => {
    throw code(e) === 'EEXIST' ? new PublishConflictError(out, temp) : e;
  });
  await claim.close();
  try {
    await rename(temp, out);
  } catch (e) {
    await unlink(out).catch(() => undefined);
    throw e;
  }
}

/** rename(2) of a folder fails with these when the target is a folder with entries, or a file. */
const TARGET_IN_THE_WAY = new Set(['EEXIST', 'ENOTEMPTY', 'ENOTDIR', 'EISDIR', 'EPERM', 'EACCES']);

/**
 * Moves the finished folder `temp` (a sibling of `out`) to `out` in one step; throws
 * PublishConflictError, keeping `temp`, when `out` is taken. `intoEmptyFolder`: an empty folder
 * already at `out` (one the user made for the result) is taken as free.
 *
 * POSIX rename(2) replaces an empty folder and refuses everything else (a folder with entries, a
 * file), atomically. So the name is first claimed with mkdir, which fails when anything has it;
 * from then on the only thing the rename can replace is that empty claim, and anything written into
 * the claim meanwhile makes the rename fail rather than vanish. Windows' MoveFileEx never moves a
 * folder over an existing name, so there the rename alone is the check.
 */
export async function publishFolder(temp: string, out: string, options: { intoEmptyFolder?: boolean } = {}): Promise<void> {
  const windows = process.platform === 'win32';
  let claimed = false;
  try {
    if (windows) {
      // The only window left: an empty folder removed here and made again before the rename.
      if (options.intoEmptyFolder) await rmdir(out).catch(() => undefined);
    } else {
      await mkdir(out);
      claimed = true;
    }
  } catch (e) {
    if (code(e) !== 'EEXIST' || !options.intoEmptyFolder) throw code(e) === 'EEXIST' ? new PublishConflictError(out, temp) : e;
  }
  try {
    await rename(temp, out);
  } catch (e) {
    if (claimed) await rmdir(out).catch(() => undefined); // fails, rightly, when someone wrote into it
    const taken =
      TARGET_IN_THE_WAY.has(code(e) ?? '') &&
      (await stat(out).then(
        () => true,
        () => false,
      ));
    throw taken ? new PublishConflictError(out, temp) : e;
  }
}
