import type { DraftFormat } from '../contract.js';
import { DraftError } from '../errors.js';

const EXTENSION_FORMATS: Record<string, DraftFormat> = {
  '.txt': 'text',
  '.text': 'text',
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.html': 'html',
  '.htm': 'html',
};

const CONTENT_TYPE_FORMATS: Record<string, DraftFormat> = {
  'text/plain': 'text',
  'text/markdown': 'markdown',
  'text/x-markdown': 'markdown',
  'text/html': 'html',
  'application/xhtml+xml': 'html',
};

export const SUPPORTED_EXTENSIONS = Object.keys(EXTENSION_FORMATS);

/** Drafts larger than this are refused unless a caller sets its own limit. */
export const DEFAULT_MAX_BYTES = 5 * 1024 * 1024;

/** The format a draft is read as: by its content type when that is specific, else by its extension. */
export function detectFormat(name: string, contentType?: string): DraftFormat {
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase();
  const byType = mediaType ? CONTENT_TYPE_FORMATS[mediaType] : undefined;
  if (byType) return byType;
  const dot = name.lastIndexOf('.');
  const extension = dot >= 0 ? name.slice(dot).toLowerCase() : '';
  const byExtension = EXTENSION_FORMATS[extension];
  if (byExtension) return byExtension;
  throw new DraftError(
    'unknown_format',
    `unknown format: "${extension || name}"${mediaType ? ` (${mediaType})` : ''}; expected ${SUPPORTED_EXTENSIONS.join(', ')}`,
  );
}

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Decodes a draft's bytes as UTF-8, refusing empty, oversized, binary and non-UTF-8 content. */
export function decodeDraft(bytes: Uint8Array, maxBytes: number): string {
  if (bytes.byteLength > maxBytes) {
    throw new DraftError('too_large', `draft is ${bytes.byteLength} bytes; the limit is ${maxBytes} bytes`);
  }
  if (bytes.byteLength === 0) throw new DraftError('empty', 'draft is empty (0 bytes)');
  const wide = wideEncoding(bytes);
  if (wide)
    throw new DraftError(
      'not_utf8',
      `draft is encoded as ${wide}, not UTF-8; save it as UTF-8 and upload it again`,
    );
  const nul = bytes.indexOf(0);
  if (nul >= 0) throw new DraftError('binary', `draft looks binary: a NUL byte at offset ${nul}`);
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    const legacy = bytes[at]! >= 0x80 ? ', perhaps Windows-1252 or Latin-1' : '';
    throw new DraftError(
      'not_utf8',
      `draft is not valid UTF-8 (at or after byte ${at}${legacy}); save it as UTF-8 and upload it again`,
    );
  }
  const controls = countControlCharacters(text);
  if (controls > 8 && controls > text.length / 100) {
    throw new DraftError('binary', `draft looks binary: ${controls} control characters`);
  }
  if (text.trim().length === 0) throw new DraftError('empty', 'draft holds only white space');
  return text;
}

/** Bytes of text sampled to tell UTF-16 from binary: its ASCII characters have a NUL in every other byte. */
const WIDE_SAMPLE = 4096;

/** UTF-32 or UTF-16, by its byte-order mark or (UTF-16 without one) by NULs in every other byte. */
function wideEncoding(bytes: Uint8Array): string | undefined {
  const [b0, b1, b2, b3] = bytes;
  if (b0 === 0xff && b1 === 0xfe && b2 === 0 && b3 === 0) return 'UTF-32 (little-endian)';
  if (b0 === 0 && b1 === 0 && b2 === 0xfe && b3 === 0xff) return 'UTF-32 (big-endian)';
  if (b0 === 0xff && b1 === 0xfe) return 'UTF-16 (little-endian)';
  if (b0 === 0xfe && b1 === 0xff) return 'UTF-16 (big-endian)';
  const pairs = Math.floor(Math.min(bytes.length, WIDE_SAMPLE) / 2);
  if (pairs < 2) return undefined;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < pairs; i++) {
    if (bytes[2 * i] === 0) evenNul++;
    if (bytes[2 * i + 1] === 0) oddNul++;
  }
  // Text in UTF-16 is mostly ASCII-range characters: one byte of nearly every pair is NUL, the other not.
  if (oddNul >= 0.6 * pairs && evenNul <= 0.05 * pairs) return 'UTF-16 (little-endian)';
  if (evenNul >= 0.6 * pairs && oddNul <= 0.05 * pairs) return 'UTF-16 (big-endian)';
  return undefined;
}

function countControlCharacters(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if ((code < 32 && code !== 9 && code !== 10 && code !== 13 && code !== 12) || code === 127) count++;
  }
  return count;
}

/** The offset of the first byte that breaks UTF-8, for the error message. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const byte = bytes[i]!;
    const length =
      byte < 0x80
        ? 1
        : byte >= 0xc2 && byte < 0xe0
          ? 2
          : byte >= 0xe0 && byte < 0xf0
            ? 3
            : byte >= 0xf0 && byte < 0xf5
              ? 4
              : 0;
    if (length === 0 || i + length > bytes.length) return i;
    for (let k = 1; k < length; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return i;
    i += length;
  }
  return i;
}
