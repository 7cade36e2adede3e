// Local S3 replaces an object whole, as S3 does: s3rver alone wrote in place, so two PUTs of one key at once
// (a report written again by a redelivered event) interleaved their bytes.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { FilesystemStore } from '../../../local/s3-atomic-put.js';
import { makePutsAtomic } from '../../../local/s3-atomic-put.js';

const require = createRequire(import.meta.url);
const Store = require('s3rver/lib/stores/filesystem') as new (directory: string) => FilesystemStore & {
  getObject(bucket: string, key: string): Promise<{ metadata: Record<string, string> } | null>;
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'claimscan-s3-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** A body that arrives in many small chunks over a few event-loop turns, as a request body does. */
const slowly = (byte: number, size: number) =>
  Readable.from(
    (async function* () {
      for (let sent = 0; sent < size; sent += 4096) {
        await new Promise((resolve) => setImmediate(resolve));
        yield Buffer.alloc(Math.min(4096, size - sent), byte);
      }
    })(),
  );

it('keeps one whole body with its own metadata when two PUTs of a key overlap', async () => {
  const store = new Store(dir);
  makePutsAtomic(store);
  const put = (byte: number, size: number) =>
    store.putObject({
      bucket: 'b',
      key: 'reports/r.json',
      metadata: { 'content-type': 'x' },
      content: slowly(byte, size),
    });
  const [first, second] = await Promise.all([put(0x61, 300_000), put(0x62, 200_000)]);
  expect(first.size).toBe(300_000);
  expect(second.size).toBe(200_000);
  const stored = await readFile(store.getResourcePath('b', 'reports/r.json', 'object'));
  // The later PUT wins, whole: its bytes only, its length, and its ETag in the metadata.
  expect(stored.length).toBe(200_000);
  expect(stored.every((byte) => byte === 0x62)).toBe(true);
  expect((await store.getObject('b', 'reports/r.json'))?.metadata.etag).toBe(`"${second.md5}"`);
});
