/**
 * Errors: every failure fahras reports is a FahrasError whose `kind` says what
 * went wrong. ERROR_KINDS maps each kind, once, to what the edges need: the
 * CLI's exit code, the HTTP status and API error code, and whether the message
 * may be shown to an HTTP client (messages of server-side failures name files
 * and folders, so clients get a generic sentence instead).
 */

/** `fahras` exit codes: 0 success, 1 the work failed, 2 the command was given wrongly. */
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

interface KindInfo {
  exitCode: number;
  status: number;
  code: string;
  /** The message is fit for an HTTP client. */
  shown: boolean;
}

export const ERROR_KINDS = {
  /** A command or request malformed as a whole: options that exclude each other, a bad environment variable, a malformed address, a body that is not JSON. */
  usage: { exitCode: EXIT_USAGE, status: 400, code: 'bad_request', shown: true },
  /** One option or parameter has a value of the wrong form or out of range. */
  invalid_parameter: { exitCode: EXIT_USAGE, status: 400, code: 'invalid_parameter', shown: true },
  /** A request body larger than the server accepts. */
  too_large: { exitCode: EXIT_USAGE, status: 413, code: 'payload_too_large', shown: true },
  /** A request body in a format the route does not read (a batch that is not NDJSON, a compressed body). */
  unsupported_type: { exitCode: EXIT_FAILURE, status: 415, code: 'unsupported_media_type', shown: true },
  /** A route that needs the admin token was called without one. */
  unauthorized: { exitCode: EXIT_FAILURE, status: 401, code: 'unauthorized', shown: true },
  /** A route that needs the admin token was called with a wrong one. */
  forbidden: { exitCode: EXIT_FAILURE, status: 403, code: 'forbidden', shown: true },
  /** More requests than the rate limit allows. */
  rate_limited: { exitCode: EXIT_FAILURE, status: 429, code: 'rate_limited', shown: true },
  /** No such document or route. */
  not_found: { exitCode: EXIT_FAILURE, status: 404, code: 'not_found', shown: true },
  /** The documents, queries or judgments given cannot be used: no documents, an unsupported file, a malformed record under --strict, a malformed TREC file. */
  invalid_input: { exitCode: EXIT_FAILURE, status: 400, code: 'bad_request', shown: true },
  /** The index is not loaded yet. */
  unavailable: { exitCode: EXIT_FAILURE, status: 503, code: 'not_ready', shown: true },
  /** The request could not start in time: another process was writing the index (nothing was written), or others' searches were ahead of it on this server. */
  busy: { exitCode: EXIT_FAILURE, status: 503, code: 'busy', shown: true },
  /** One stored document cannot be read (its record does not match its checksum); the rest of the index is served. */
  damaged_document: { exitCode: EXIT_FAILURE, status: 500, code: 'damaged_document', shown: true },
  /** The index is missing, damaged, or written by another version of fahras. */
  bad_index: { exitCode: EXIT_FAILURE, status: 500, code: 'internal', shown: false },
  /** The operating system refused: disk full, permission denied, no such file, address in use. */
  io: { exitCode: EXIT_FAILURE, status: 500, code: 'internal', shown: false },
  /** Anything else: a bug. */
  internal: { exitCode: EXIT_FAILURE, status: 500, code: 'internal', shown: false },
} as const satisfies Record<string, KindInfo>;

export type ErrorKind = keyof typeof ERROR_KINDS;
/** The `error.code` values of the HTTP API. */
export type ApiErrorCode = (typeof ERROR_KINDS)[ErrorKind]['code'];

/**
 * The base of every fahras error. Subclasses fix their kind with a field
 * (`override readonly kind = 'bad_index'`); others pass it in.
 */
export class FahrasError extends Error {
  readonly kind: ErrorKind;

  constructor(message: string, kind: ErrorKind = 'internal', options?: ErrorOptions) {
    super(message, options);
    this.name = 'FahrasError';
    this.kind = kind;
  }
}

const SYSTEM_ERRORS: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOENT: 'no such file or folder',
};

/**
 * Anything thrown, as a FahrasError: ours as they are, a system error (errno
 * code) as `io` with a one-line message naming the path, the rest `internal`.
 */
export function asFahrasError(e: unknown): FahrasError {
  if (e instanceof FahrasError) return e;
  const err = e as NodeJS.ErrnoException | null;
  if (err instanceof Error && typeof err.code === 'string') {
    return new FahrasError(`${SYSTEM_ERRORS[err.code] ?? err.code}${err.path ? `: ${err.path}` : ''}`, 'io', { cause: e });
  }
  return new FahrasError(e instanceof Error ? e.message : String(e), 'internal', { cause: e });
}
