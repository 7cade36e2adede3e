import fs from 'node:fs';
import path from 'node:path';
import { DraftError } from '../shared/errors.js';
import { decodeDraft, detectFormat, SUPPORTED_EXTENSIONS } from '../shared/read/index.js';

export type Target = { kind: 'file'; path: string } | { kind: 'missing'; path: string };

/** Expands the paths given on the command line: files as given, directories scanned for drafts. */
export function expandTargets(paths: readonly string[]): Target[] {
  const targets: Target[] = [];
  for (const given of paths) {
    const stat = fs.statSync(given, { throwIfNoEntry: false });
    if (!stat) targets.push({ kind: 'missing', path: given });
    else if (stat.isDirectory()) scanDirectory(given, (file) => targets.push({ kind: 'file', path: file }));
    else targets.push({ kind: 'file', path: given });
  }
  return targets;
}

/** Calls `found` for each draft under `directory`, in name order (a callback: a directory may hold any number). */
function scanDirectory(directory: string, found: (file: string) => void): void {
  const entries = fs
    .readdirSync(directory, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) scanDirectory(full, found);
    else if (entry.isFile() && SUPPORTED_EXTENSIONS.includes(path.extname(entry.name).toLowerCase()))
      found(full);
  }
}

/** A document id from a file name: "Magnesium Glycinate.txt" -> "magnesium-glycinate". */
export function documentIdFor(file: string): string {
  const base = path.basename(file, path.extname(file));
  return (
    base
      .normalize('NFKD')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, '-')
      .replace(/^-+|-+$/g, '') || 'draft'
  );
}

/**
 * A draft file read as the engine reads it, or a DraftError with the engine's code (`unknown_format`,
 * `too_large` before a byte is read, `empty`, `binary`, `not_utf8`): `check` and `upload` refuse alike.
 */
export function readDraftFile(file: string, maxBytes: number): { bytes: Buffer; text: string } {
  detectFormat(file);
  const size = fs.statSync(file).size;
  if (size > maxBytes)
    throw new DraftError('too_large', `draft is ${size} bytes; the limit is ${maxBytes} bytes`);
  const bytes = fs.readFileSync(file);
  return { bytes, text: decodeDraft(bytes, maxBytes) };
}
