// The one rule for a publisher id and the one for a draft's file name, wherever either enters: a token's claim,
// an object key, a request. Each answers with the reason a value is refused, for a clear 400 or log line.
import * as z from '../zod.js';

/**
 * Publisher ids are given by an administrator (Cognito's `custom:publisherId`) and end up in S3 keys and in the
 * table's keys, where `#` separates parts: lower-case letters, digits, `-` and `_` only, so two publishers'
 * keys can never run together and an id reads the same in a URL, a key and a log.
 */
export const PUBLISHER_ID = { maxChars: 64, pattern: /^[a-z0-9][a-z0-9_-]*$/ } as const;

/**
 * A draft's file name becomes its document id and the last segment of its key. S3 takes keys of up to 1,024
 * bytes; the local emulator (s3rver) stores each key segment as a file name with a suffix of up to 22 bytes,
 * under the 255-byte limit of Linux file systems. 200 bytes of UTF-8 fits both, with room to spare.
 */
export const DRAFT_NAME = { maxBytes: 200 } as const;

/** Characters that reorder displayed text (U+202E shows "exe.txt" as "txt.exe"): never in a name people read. */
const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;

export function publisherIdProblem(id: string): string | undefined {
  if (id.length === 0) return 'a publisher id is empty';
  if (id.length > PUBLISHER_ID.maxChars)
    return `a publisher id has at most ${PUBLISHER_ID.maxChars} characters (this one has ${id.length})`;
  if (!PUBLISHER_ID.pattern.test(id))
    return 'a publisher id has only lower-case letters, digits, "-" and "_", and starts with a letter or digit';
  return undefined;
}

export function draftNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'a file name is empty';
  // With the u flag, a surrogate pair is one code point: only a lone surrogate matches.
  if (/[\uD800-\uDFFF]/u.test(name)) return 'a file name is not valid Unicode (a lone surrogate)';
  const bytes = Buffer.byteLength(name, 'utf8');
  if (bytes > DRAFT_NAME.maxBytes)
    return `a file name has at most ${DRAFT_NAME.maxBytes} bytes in UTF-8 (this one has ${bytes})`;
  if (name === '.' || name === '..') return `a file name cannot be "${name}"`;
  if (/[/\\]/.test(name)) return 'a file name has no "/" or "\\"';
  if (/\p{Cc}/u.test(name)) return 'a file name has no control characters';
  if (BIDI_CONTROLS.test(name)) return 'a file name has no characters that reverse or reorder text';
  if (/^\s|\s$/u.test(name)) return 'a file name does not start or end with a space';
  return undefined;
}

/** A zod string checked by one of the rules above, with its reason as the issue's message. */
const ruledString = (problem: (value: string) => string | undefined) =>
  z.string().check(
    z.superRefine((value, context) => {
      const message = problem(value);
      if (message !== undefined) context.addIssue({ code: 'custom', message, input: value });
    }),
  );

export const PublisherId = ruledString(publisherIdProblem);
export const DraftName = ruledString(draftNameProblem);
