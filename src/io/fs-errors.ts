// Filesystem errors as one line that names the path and says the cause in words (STYLE.md §9):
// Node's errno errors read "ENOSPC: no space left on device, write", often without any path
// (write, read and fsync on a descriptor carry none). Callers that know the path wrap the error
// with fsError(error, path, "write"); the CLI translates whatever raw errno error still reaches it.
import { readFileSync } from "node:fs";

/** What each errno means for a user of locedit. */
const CAUSES: Record<string, string> = {
  ENOSPC: "no space left on the device",
  EDQUOT: "the disk quota is used up",
  EFBIG: "the file is too large for the filesystem",
  EROFS: "the filesystem is read-only",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  ENOENT: "no such file or folder",
  EISDIR: "it is a folder, a file was expected",
  ENOTDIR: "a part of the path is a file, not a folder",
  EEXIST: "it already exists",
  ENOTEMPTY: "the folder is not empty",
  EMFILE: "too many open files in this process",
  ENFILE: "too many open files on the system",
  EIO: "input/output error (a failing disk or network filesystem)",
  EXDEV: "it is on another filesystem",
  ENAMETOOLONG: "the name is too long",
  ELOOP: "too many symbolic links",
  EBUSY: "the file or folder is busy",
  ETXTBSY: "the file is busy",
  ESTALE: "stale network file handle",
};

export interface ErrnoLike extends Error {
  code: string;
  syscall?: string;
  path?: string;
  dest?: string;
}

/** Whether `error` is a Node errno error (it has a string `code` like "ENOSPC"). */
export function isErrnoError(error: unknown): error is ErrnoLike {
  return (
    error instanceof Error &&
    typeof (error as ErrnoLike).code === "string" &&
    /^E[A-Z]+$/.test((error as ErrnoLike).code)
  );
}

/** The cause in words, with the errno code: "no space left on the device (ENOSPC)". */
export function fsCause(error: ErrnoLike): string {
  const cause = CAUSES[error.code] ?? error.message.replace(/^E[A-Z]+: /, "").replace(/, \w+ '.*$/, "");
  return `${cause} (${error.code})`;
}

/** A translated filesystem error: its message names the path and the cause; `code` is kept. */
export class FsError extends Error {
  constructor(
    message: string,
    readonly code: string,
    cause: unknown,
  ) {
    super(message, { cause });
  }
}

/**
 * `<path>: cannot <action>: <cause> (<CODE>)` for a raw errno error; other errors, and errors
 * already translated, are returned as they are. `path` defaults to the error's own path.
 */
export function fsError(error: unknown, path?: string, action?: string): Error {
  if (!isErrnoError(error) || error instanceof FsError) return error as Error;
  const where = path ?? error.path ?? "a file";
  const verb = action ?? error.syscall ?? "access it";
  return new FsError(`${where}: cannot ${verb}: ${fsCause(error)}`, error.code, error);
}

/** Runs `fn`, rethrowing its errno errors as fsError(error, path, action). */
export function withFsContext<T>(path: string, action: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw fsError(error, path, action);
  }
}

/** The cause of a failed file operation in words: fsCause for errno errors, else the message. */
export function causeOf(error: unknown): string {
  return isErrnoError(error) ? fsCause(error) : (error as Error).message;
}

/** A UTF-8 text file; an unreadable one is `<path>: cannot read <what>: <cause>`. */
export function readTextFile(path: string, what: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new Error(`${path}: cannot read ${what}: ${causeOf(error)}`, { cause: error });
  }
}
