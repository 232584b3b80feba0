/** Errors the CLI reports as one line on stderr, with their exit code. */
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = EXIT_FAILURE,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Turns the library's own errors into CLI errors; anything else passes through. */
export function asCliError(e: unknown): unknown {
  if (e instanceof Error && e.name === 'QueryError') return new CliError(e.message, EXIT_USAGE);
  if (e instanceof Error && ['IndexError', 'BuildError', 'DocumentLoadError'].includes(e.name)) return new CliError(e.message);
  if (e instanceof Error && 'code' in e && typeof (e as NodeJS.ErrnoException).code === 'string') {
    const err = e as NodeJS.ErrnoException;
    const what = err.code === 'ENOSPC' ? 'the disk is full' : err.code === 'EACCES' || err.code === 'EPERM' ? 'permission denied' : err.code === 'EROFS' ? 'the file system is read-only' : err.code === 'ENOENT' ? 'no such file or folder' : err.code;
    return new CliError(`${what}${err.path ? `: ${err.path}` : ''}`);
  }
  return e;
}
