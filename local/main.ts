// `npm start`: the whole pipeline on this machine, the sample drafts through it, then it keeps running.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { expandTargets } from '../cli/files.js';
import { pendingReviews } from '../shared/dashboard/backlog.js';
import { plural } from '../shared/report/words.js';
import type { Uploaded } from './drafts.js';
import { uploadDraft, waitForResult } from './drafts.js';
import { startLocalPipeline } from './pipeline.js';
import { describeRun, localReconcileDeps, reconcileOnce, scheduleReconciler } from './reconciler.js';
import { reviewApiHelp, startReviewApiServer } from './review-api.js';
import { DEFAULT_DATA_DIR, readState, removeState, stateOf, writeState } from './state.js';
import { connectionHelp, Progress, summaryTable } from './ui.js';

const USAGE = `Usage: npm start -- [--in-memory] [--data-dir DIR] [--samples DIR] [--review-port N]

Starts S3, DynamoDB and SQS emulators, the pipeline's resources and the moderate function in this process,
runs the sample drafts through it and keeps running until Ctrl-C.
  --in-memory      keep nothing (default: results persist in ${DEFAULT_DATA_DIR}/)
  --data-dir DIR   where results persist (default ${DEFAULT_DATA_DIR})
  --samples DIR    the drafts to upload first (default samples)
  --review-port N  the review API's port on 127.0.0.1 (default: a free one)`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      'in-memory': { type: 'boolean', default: false },
      'data-dir': { type: 'string', default: DEFAULT_DATA_DIR },
      samples: { type: 'string', default: 'samples' },
      'review-port': { type: 'string', default: '0' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const dataDir = path.resolve(values['data-dir']);
  const persist = !values['in-memory'];
  const running = persist ? readState(dataDir) : undefined;
  if (running !== undefined) {
    // Its DynamoDB store is locked by that process.
    console.error(
      `A local stack already runs on ${dataDir} (pid ${running.pid}); use --in-memory or --data-dir.`,
    );
    return 2;
  }
  if (persist) fs.mkdirSync(dataDir, { recursive: true });
  // The function's JSON logs would drown the summary: they go to a file (or nowhere in memory-only mode).
  const log = persist ? fs.createWriteStream(path.join(dataDir, 'function.log'), { flags: 'a' }) : undefined;

  console.log('Starting S3, DynamoDB and SQS emulators and bundling the moderate function...');
  const pipeline = await startLocalPipeline({
    ...(persist && { dataDir }),
    logLevel: 'INFO',
    onFunctionLog: (line) => log?.write(`${line}\n`),
    onError: (error) => log?.write(`[local runner] ${String(error)}\n`),
  });
  // The review API: the review functions' handlers on loopback, one bearer token per role (printed below).
  const reviewApi = await startReviewApiServer({
    clients: pipeline.clients,
    tableName: pipeline.names.table,
    reviewQueueUrl: pipeline.queues.review,
    reviewDlqUrl: pipeline.queues.reviewDlq,
    bucket: pipeline.names.bucket,
    port: Number(values['review-port']),
    log: {
      warn: (...args: unknown[]) => log?.write(`[review api] ${args.map(String).join(' ')}\n`),
      error: (...args: unknown[]) => log?.write(`[review api] ${args.map(String).join(' ')}\n`),
    },
  });
  // Before the samples: what the last run left in flight (its queues were in memory) goes through first.
  const reconcileDeps = localReconcileDeps(pipeline, {
    info: (message: string) => log?.write(`[reconciler] ${message}\n`),
    warn: (message: string) => log?.write(`[reconciler] ${message}\n`),
  });
  const atStart = await reconcileOnce(reconcileDeps);
  const found = describeRun(atStart);
  if (found !== undefined) console.log(found);
  const reconciler = scheduleReconciler(
    reconcileDeps,
    (run) => {
      const line = describeRun(run);
      if (line !== undefined) console.log(line);
    },
    (error) => log?.write(`[reconciler] ${String(error)}\n`),
  );

  // Ctrl-C reaches npm and this process alike, and npm passes it on: a second signal must not cut the stop short.
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      console.log('\nStopping...');
      let code = 0;
      try {
        if (persist) removeState(dataDir);
        await reconciler.stop();
        await reviewApi.stop();
        await pipeline.stop();
      } catch (error) {
        console.error('Stopping failed:', error);
        code = 1;
      }
      await new Promise<void>((resolve) => (log === undefined ? resolve() : log.end(resolve)));
      console.log('Stopped.');
      process.exit(code);
    })();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  const files = expandTargets([values.samples]).filter((target) => target.kind === 'file');
  const samplesDir = path.resolve(values.samples);
  console.log(
    `Uploading ${files.length} drafts from ${values.samples}/ to s3://${pipeline.names.bucket}/drafts/local/`,
  );
  const progress = new Progress(files.length, process.stdout);
  const uploads: Array<{ draft: string; upload: Uploaded }> = [];
  for (const file of files) {
    const draft = path.relative(samplesDir, path.resolve(file.path)).split(path.sep).join('/');
    uploads.push({
      draft,
      upload: await uploadDraft(pipeline.clients, pipeline.names.bucket, draft, fs.readFileSync(file.path)),
    });
    progress.step(`uploaded ${draft}`);
  }
  console.log('Waiting for results (the event source mapping batches for up to 5 s, as in the stack)...');
  const done = new Progress(uploads.length, process.stdout);
  const rows = await Promise.all(
    uploads.map(async ({ draft, upload }) => {
      const record = await waitForResult(pipeline.clients, pipeline.names.table, upload);
      done.step(`${draft}: ${record.status}`);
      return { draft, record };
    }),
  );
  console.log(`\n${summaryTable(rows)}`);
  const reviews = await pendingReviews({
    ...pipeline.clients,
    tableName: pipeline.names.table,
    reviewQueueUrl: pipeline.queues.review,
  });
  console.log(`\nWaiting for review: ${plural(reviews.waiting, 'draft')} (${reviews.inReview} in review)\n`);
  console.log(connectionHelp(pipeline.target, pipeline.names, pipeline.queues));
  console.log(`\n${reviewApiHelp(reviewApi)}`);
  if (persist) {
    writeState(dataDir, stateOf(pipeline));
    console.log(
      `\nResults persist in ${path.relative(process.cwd(), dataDir) || '.'}/ (function logs: function.log).`,
    );
  }
  return -1;
}

main().then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
