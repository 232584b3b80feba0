/**
 * Query-string validation with zod. Every parameter arrives as a string (the
 * query parser never builds nested objects); a parameter given twice arrives as
 * an array and is refused with its own message. Unknown parameters are ignored.
 */
import { z } from 'zod';
import { FahrasError } from '../common/errors.js';
import { API_MAX_HITS, API_MAX_OFFSET, DEFAULT_HIT_LIMIT, MAX_DOCUMENT_ID_LENGTH, MAX_PAGE, MAX_QUERY_LENGTH, MAX_SOURCE_LENGTH, MAX_SUGGESTIONS } from '../common/limits.js';

/** A single string parameter; explains missing, repeated and non-text values. */
function text(name: string, required: boolean) {
  return z.string({
    error: (iss) =>
      iss.input === undefined
        ? required
          ? `The parameter "${name}" is required.`
          : undefined
        : Array.isArray(iss.input)
          ? `The parameter "${name}" was given more than once; give it once.`
          : `The parameter "${name}" must be text.`,
  });
}

function query(name: string) {
  return text(name, true)
    .trim()
    .min(1, `The parameter "${name}" must not be empty.`)
    .max(MAX_QUERY_LENGTH, `The parameter "${name}" must be at most ${MAX_QUERY_LENGTH} characters long.`);
}

function wholeNumber(name: string, min: number, max: number, fallback: number) {
  const msg = `The parameter "${name}" must be a whole number from ${min} to ${max}.`;
  return text(name, false)
    .regex(/^\d{1,9}$/, msg)
    .transform(Number)
    .pipe(z.number().int().min(min, msg).max(max, msg))
    .optional()
    .transform((v) => v ?? fallback);
}

function isoDate(name: string, emptyIsAbsent = false) {
  const msg = `The parameter "${name}" must be a date written YYYY-MM-DD, e.g. 2015-07-21.`;
  return text(name, false)
    .transform((s) => (emptyIsAbsent && s.trim() === '' ? undefined : s))
    .pipe(
      z
        .string()
        .regex(/^\d{4}-\d{2}-\d{2}$/, msg)
        .refine((s) => {
          const d = new Date(`${s}T00:00:00Z`);
          return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
        }, msg)
        .optional(),
    )
    .optional();
}

/** A yes/no parameter: true/false (or 1/0), `fallback` when absent. */
function flag(name: string, fallback: boolean) {
  const msg = `The parameter "${name}" must be "true" or "false".`;
  return z
    .enum(['true', 'false', '1', '0'], { error: (iss) => (Array.isArray(iss.input) ? `The parameter "${name}" was given more than once; give it once.` : msg) })
    .optional()
    .transform((v) => (v === undefined ? fallback : v === 'true' || v === '1'));
}

const mode = z
  .enum(['any', 'all'], {
    error: (iss) => (Array.isArray(iss.input) ? 'The parameter "mode" was given more than once; give it once.' : 'The parameter "mode" must be "any" or "all".'),
  })
  .optional()
  .transform((v) => v ?? 'any');

/** A source as documents spell it (not trimmed); empty selects documents without a source (NO_SOURCE). */
const source = text('source', false).max(MAX_SOURCE_LENGTH, `The parameter "source" must be at most ${MAX_SOURCE_LENGTH} characters long.`).optional();

const sort = z
  .enum(['relevance', 'newest'], {
    error: (iss) => (Array.isArray(iss.input) ? 'The parameter "sort" was given more than once; give it once.' : 'The parameter "sort" must be "relevance" or "newest".'),
  })
  .optional()
  .transform((v) => v ?? 'relevance');

const datesInOrder = (v: { from?: string; to?: string }) => v.from === undefined || v.to === undefined || v.from <= v.to;
const datesMessage = { message: 'The date "from" must not be after the date "to".', path: ['from'] };

export const searchParams = z
  .object({
    q: query('q'),
    limit: wholeNumber('limit', 1, API_MAX_HITS, DEFAULT_HIT_LIMIT),
    offset: wholeNumber('offset', 0, API_MAX_OFFSET, 0),
    mode,
    source,
    from: isoDate('from'),
    to: isoDate('to'),
    sort,
    collapse: flag('collapse', false),
    correct: flag('correct', true),
  })
  .refine(datesInOrder, datesMessage);

export const suggestParams = z.object({
  q: text('q', true)
    .max(MAX_QUERY_LENGTH, `The parameter "q" must be at most ${MAX_QUERY_LENGTH} characters long.`)
    .refine((s) => s.trim() !== '', 'The parameter "q" must not be empty.'),
  limit: wholeNumber('limit', 1, MAX_SUGGESTIONS, MAX_SUGGESTIONS),
});

export const documentParams = z.object({
  q: text('q', false)
    .trim()
    .max(MAX_QUERY_LENGTH, `The parameter "q" must be at most ${MAX_QUERY_LENGTH} characters long.`)
    .optional()
    .transform((v) => (v ? v : undefined)),
});

export const documentPath = z.object({
  id: z.string().min(1).max(MAX_DOCUMENT_ID_LENGTH, 'The document id is too long.'),
});

/**
 * The search page: like the API, but pages instead of offsets, q optional (no
 * q = the home page), near-duplicates folded unless asked not to, and empty
 * dates (the form's empty date fields) taken as absent.
 */
export const pageParams = z
  .object({
    q: text('q', false)
      .trim()
      .max(MAX_QUERY_LENGTH, `The parameter "q" must be at most ${MAX_QUERY_LENGTH} characters long.`)
      .optional()
      .transform((v) => (v ? v : undefined)),
    page: wholeNumber('page', 1, MAX_PAGE, 1),
    mode,
    source,
    from: isoDate('from', true),
    to: isoDate('to', true),
    sort,
    collapse: flag('collapse', true),
    correct: flag('correct', true),
  })
  .refine(datesInOrder, datesMessage);

/** Parses `input` or throws an `invalid_parameter` FahrasError naming the first problem in plain words. */
export function validate<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  throw new FahrasError(issue?.message ?? 'The request parameters are not valid.', 'invalid_parameter');
}

/** Like validate, but returns the message instead of throwing (for HTML pages). */
export function check<S extends z.ZodType>(schema: S, input: unknown): { ok: true; value: z.output<S> } | { ok: false; message: string } {
  const r = schema.safeParse(input);
  if (r.success) return { ok: true, value: r.data };
  return { ok: false, message: r.error.issues[0]?.message ?? 'The request parameters are not valid.' };
}
