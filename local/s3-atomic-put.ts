// PUT as S3 does it, in front of s3rver 3.7's filesystem store: an object is replaced whole or not at all.
// s3rver writes the object file in place and answers before the file is flushed, so a GET right after a PUT
// could read part of it, and two PUTs of one key at once interleaved their bytes (a report written twice by a
// redelivered event came out as neither). Here each PUT writes a temporary file and renames it over the object,
// and PUTs of one key run one after the other, so the last writer wins whole, with its own metadata.
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

interface StoredObject {
  bucket: string;
  key: string;
  metadata: Record<string, string>;
  content: Buffer | Readable;
}

/** The parts of s3rver's FilesystemStore this replaces putObject on. */
export interface FilesystemStore {
  getResourcePath(bucket: string, key: string, resource: string): string;
  putMetadata(bucket: string, key: string, metadata: Record<string, string>, md5: string): Promise<void>;
  putObject(object: StoredObject): Promise<{ size: number; md5: string }>;
}

export function makePutsAtomic(store: FilesystemStore): void {
  const queues = new Map<string, Promise<unknown>>();
  const write = async (object: StoredObject) => {
    const objectPath = store.getResourcePath(object.bucket, object.key, 'object');
    await mkdir(dirname(objectPath), { recursive: true });
    // Named apart from the key: a key segment may already fill a file name (local/s3-conformance.ts), and s3rver
    // lists only files ending in its object suffix, so this one is never taken for an object.
    const temporary = join(dirname(objectPath), `.${randomUUID()}.partial`);
    const md5 = createHash('md5');
    let size = 0;
    const counted = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        md5.update(chunk);
        size += chunk.length;
        done(null, chunk);
      },
    });
    try {
      await pipeline(
        Buffer.isBuffer(object.content) ? [object.content] : object.content,
        counted,
        createWriteStream(temporary),
      );
      await rename(temporary, objectPath);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
    const digest = md5.digest('hex');
    await store.putMetadata(object.bucket, object.key, object.metadata, digest);
    return { size, md5: digest };
  };
  store.putObject = (object) => {
    const key = `${object.bucket}/${object.key}`;
    const done = (queues.get(key) ?? Promise.resolve()).catch(() => undefined).then(() => write(object));
    queues.set(key, done);
    const forget = () => {
      if (queues.get(key) === done) queues.delete(key);
    };
    done.then(forget, forget);
    return done;
  };
}
