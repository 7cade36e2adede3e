// The running `npm start` stack, for other processes (`claimscan local --watch`): a small file in the data folder.
import fs from 'node:fs';
import path from 'node:path';
import * as z from '../shared/zod.js';

export const DEFAULT_DATA_DIR = '.local-data';
export const STATE_FILE = 'local-stack.json';

export const LocalStackState = z.object({
  pid: z.number(),
  target: z.object({
    region: z.string(),
    credentials: z.object({ accessKeyId: z.string(), secretAccessKey: z.string() }),
    endpoints: z.object({ s3: z.string(), dynamodb: z.string(), sqs: z.string() }),
  }),
  bucket: z.string(),
  table: z.string(),
  reviewQueue: z.string(),
  /** Every queue with its DLQ, for `claimscan admin redrive`. */
  queues: z.object({ ingest: z.string(), ingestDlq: z.string(), review: z.string(), reviewDlq: z.string() }),
});
export type LocalStackState = z.infer<typeof LocalStackState>;

export const statePath = (dataDir: string) => path.join(dataDir, STATE_FILE);

/** What this process tells others about the pipeline it runs. */
export function stateOf(pipeline: {
  target: LocalStackState['target'];
  names: { bucket: string; table: string };
  queues: LocalStackState['queues'];
}): LocalStackState {
  return {
    pid: process.pid,
    target: pipeline.target,
    bucket: pipeline.names.bucket,
    table: pipeline.names.table,
    reviewQueue: pipeline.queues.review,
    queues: pipeline.queues,
  };
}

export function writeState(dataDir: string, state: LocalStackState): void {
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(statePath(dataDir), `${JSON.stringify(state, null, 2)}\n`);
}

export function removeState(dataDir: string): void {
  fs.rmSync(statePath(dataDir), { force: true });
}

/** The running stack, or undefined when none is (no file, or its process is gone). */
export function readState(dataDir: string): LocalStackState | undefined {
  let state: LocalStackState;
  try {
    state = LocalStackState.parse(JSON.parse(fs.readFileSync(statePath(dataDir), 'utf8')));
  } catch {
    return undefined;
  }
  try {
    process.kill(state.pid, 0);
    return state;
  } catch {
    return undefined;
  }
}
