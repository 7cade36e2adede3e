// Issue 12, items 3 and 7: `npm start` as a process. Ctrl-C always ends with "Stopped." and exit code 0; a SIGKILL
// with drafts in flight and drafts pending review, then a restart, leaves every draft with exactly one result and
// every flagged one on the review queue exactly once (the reconciler runs at start).
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readState } from '../../local/state.js';
import type { LocalStackState } from '../../local/state.js';
import { createAwsClients } from '../../shared/pipeline/config.js';
import { draftPk, publisherPk, ReviewMessage, VERSION_SK_PREFIX } from '../../shared/pipeline/record.js';
import { CLEAN_TEXT, RISKY_TEXT, until } from './support.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Starting bundles the function and starts three emulators: slow on a loaded 2-core machine. */
const START_MS = 90_000;

let scratch: string;
let emptySamples: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'claimscan-process-'));
  emptySamples = join(scratch, 'no-samples');
  await mkdir(emptySamples);
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** A process group of its own, as a terminal gives a command: a signal to the group reaches every process in it. */
function start(command: string, args: string[]): Started {
  const child = spawn(command, args, { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => output, exited };
}

const signalGroup = (started: Started, signal: NodeJS.Signals) =>
  process.kill(-(started.child.pid ?? 0), signal);

describe('npm start', () => {
  it(
    'stops on Ctrl-C with "Stopped." and exit code 0, npm included',
    async () => {
      const started = start('npm', ['start', '--', '--in-memory', '--samples', emptySamples]);
      await until(
        'npm start to be up',
        async () => (started.output().includes('Waiting for review:') ? true : undefined),
        START_MS,
      );
      // Ctrl-C: SIGINT to the terminal's foreground group, npm and the stack alike (and npm passes it on once more).
      signalGroup(started, 'SIGINT');
      const { code, signal } = await started.exited;
      expect({ code, signal }).toEqual({ code: 0, signal: null });
      expect(started.output()).toMatch(/Stopping\.\.\.\n[\s\S]*Stopped\.\n$/);
    },
    START_MS + 30_000,
  );

  it(
    'after a SIGKILL with drafts in flight, a restart gives every draft one result and every flagged one one review message',
    async () => {
      const dataDir = join(scratch, 'data');
      const args = ['--import', 'tsx', 'local/main.ts', '--data-dir', dataDir, '--samples', emptySamples];
      const first = start(process.execPath, args);
      let state: LocalStackState = await until(
        'the stack to be up',
        async () => readState(dataDir),
        START_MS,
      );
      let clients = createAwsClients(state.target);
      const PUB = 'restart';
      const drafts = Array.from({ length: 100 }, (_, i) => ({
        name: `draft-${String(i).padStart(3, '0')}.txt`,
        flagged: i % 2 === 0,
      }));
      await Promise.all(
        drafts.map(({ name, flagged }) =>
          clients.s3.send(
            new PutObjectCommand({
              Bucket: state.bucket,
              Key: `drafts/${PUB}/${name}`,
              Body: `${flagged ? RISKY_TEXT : CLEAN_TEXT} (${name})`,
            }),
          ),
        ),
      );
      const recorded = async () => {
        const { Items = [] } = await clients.db.send(
          new QueryCommand({
            TableName: state.table,
            IndexName: 'byPublisher',
            KeyConditionExpression: 'byPublisherPk = :pk',
            ExpressionAttributeValues: { ':pk': publisherPk(PUB) },
          }),
        );
        return Items;
      };
      await until(
        'the first results',
        async () => ((await recorded()).length >= 10 ? true : undefined),
        60_000,
      );
      signalGroup(first, 'SIGKILL');
      expect(await first.exited).toMatchObject({ signal: 'SIGKILL' });
      for (const client of Object.values(clients)) client.destroy();
      // What the kill left is read after the restart: the items processed before it.
      const killedAt = new Date().toISOString();

      const second = start(process.execPath, args);
      state = await until('the stack to be up again', async () => readState(dataDir), START_MS);
      clients = createAwsClients(state.target);
      const items = await until(
        'a result for every draft',
        async () => {
          const found = await recorded();
          return found.length >= drafts.length ? found : undefined;
        },
        60_000,
      );
      const before = items.filter((item) => String(item.processedAt) < killedAt);
      // The kill left work behind: drafts without a result, and flagged ones whose review message was in memory.
      expect(before.length).toBeLessThan(drafts.length);
      expect(before.some((item) => item.status === 'pending_review')).toBe(true);
      expect(second.output()).toContain('Reconciler:');

      // Exactly one result per draft (every version item, not only the index's). dynalite writes an item's index
      // rows before the item itself, so the index can name a result whose item is a moment from being readable.
      for (const { name, flagged } of drafts) {
        const Items = await until(`the result item of ${name}`, async () => {
          const { Items: found = [] } = await clients.db.send(
            new QueryCommand({
              TableName: state.table,
              KeyConditionExpression: 'pk = :pk AND begins_with(sk, :ver)',
              ExpressionAttributeValues: { ':pk': draftPk(PUB, name), ':ver': VERSION_SK_PREFIX },
              ConsistentRead: true,
            }),
          );
          return found.length > 0 ? found : undefined;
        });
        expect(Items.map((item) => item.status)).toEqual([flagged ? 'pending_review' : 'passed']);
      }
      // Exactly one review message per flagged draft.
      const reviewed = new Map<string, number>();
      for (;;) {
        const { Messages = [] } = await clients.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: state.reviewQueue,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 1,
          }),
        );
        if (Messages.length === 0) break;
        for (const message of Messages) {
          const { documentId } = ReviewMessage.parse(JSON.parse(message.Body ?? ''));
          reviewed.set(documentId, (reviewed.get(documentId) ?? 0) + 1);
          await clients.sqs.send(
            new DeleteMessageCommand({ QueueUrl: state.reviewQueue, ReceiptHandle: message.ReceiptHandle }),
          );
        }
      }
      const flagged = drafts.filter((draft) => draft.flagged).map((draft) => draft.name);
      expect([...reviewed.keys()].sort()).toEqual(flagged);
      expect([...reviewed.values()].every((count) => count === 1)).toBe(true);

      for (const client of Object.values(clients)) client.destroy();
      signalGroup(second, 'SIGINT');
      expect(await second.exited).toEqual({ code: 0, signal: null });
    },
    2 * START_MS + 150_000,
  );
});
