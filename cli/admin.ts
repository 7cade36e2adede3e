// `claimscan admin redrive --queue ingest|review`: moves a queue's dead-lettered messages back to it, on the local
// stack `npm start` runs (its state file) or on a deployed stage (the AWS credentials and region of the shell).
import { parseArgs } from 'node:util';
import type { AwsTarget } from '../shared/pipeline/config.js';
import { createAwsClients } from '../shared/pipeline/config.js';
import { queueUrl, redrive } from '../shared/pipeline/queue-admin.js';
import { APP_NAME, resourceNames, Stage } from '../shared/pipeline/resources.js';
import { plural } from '../shared/report/words.js';
import * as z from '../shared/zod.js';
import { DEFAULT_DATA_DIR, readState } from '../local/state.js';
import { ADMIN_USAGE } from './usage.js';

const Options = z.object({
  queue: z.enum(['ingest', 'review'], { message: '--queue must be ingest or review' }),
  stage: z.optional(Stage),
  app: z._default(z.string().check(z.minLength(1)), APP_NAME),
  dataDir: z._default(z.string(), DEFAULT_DATA_DIR),
});

export interface AdminIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export async function runAdmin(argv: readonly string[], io: AdminIo): Promise<number> {
  const usage = (message: string) => {
    io.stderr.write(`claimscan: ${message}\n\n${ADMIN_USAGE}\n`);
    return 2;
  };
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        queue: { type: 'string' },
        stage: { type: 'string' },
        app: { type: 'string' },
        'data-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    return usage((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(`${ADMIN_USAGE}\n`);
    return 0;
  }
  if (positionals[0] !== 'redrive' || positionals.length > 1)
    return usage(
      positionals[0] === undefined
        ? 'no admin command given'
        : `unknown admin command "${positionals.join(' ')}"`,
    );
  const options = Options.safeParse({
    queue: values.queue,
    stage: values.stage,
    app: values.app,
    dataDir: values['data-dir'],
  });
  if (!options.success) return usage(options.error.issues.map((issue) => issue.message).join('; '));
  const { queue, stage, app, dataDir } = options.data;

  let target: AwsTarget = {};
  let urls: { queueUrl: string; deadLetterUrl: string } | undefined;
  let where: string;
  if (stage === undefined) {
    const state = readState(dataDir);
    if (state === undefined)
      return usage(`no local stack runs on ${dataDir} (start it with npm start, or give --stage for AWS)`);
    target = state.target;
    urls =
      queue === 'ingest'
        ? { queueUrl: state.queues.ingest, deadLetterUrl: state.queues.ingestDlq }
        : { queueUrl: state.queues.review, deadLetterUrl: state.queues.reviewDlq };
    where = 'the local stack';
  } else where = `${app}-${stage}`;

  const { sqs } = createAwsClients(target);
  try {
    if (urls === undefined && stage !== undefined) {
      const names = resourceNames(stage, app);
      const [queueName, deadLetterName] =
        queue === 'ingest' ? [names.ingestQueue, names.ingestDlq] : [names.reviewQueue, names.reviewDlq];
      urls = {
        queueUrl: await queueUrl(sqs, queueName),
        deadLetterUrl: await queueUrl(sqs, deadLetterName),
      };
    }
    if (urls === undefined) return usage('no queue to redrive');
    io.stdout.write(`Moving the ${queue} DLQ's messages back to the ${queue} queue of ${where}...\n`);
    const outcome = await redrive(sqs, urls, {
      onProgress: (moved, toMove) => io.stdout.write(`  ${moved} of ${toMove} moved\n`),
    });
    if (outcome.status !== 'COMPLETED') {
      io.stderr.write(
        `claimscan: the move ended ${outcome.status.toLowerCase()} after ${plural(outcome.moved, 'message')}${outcome.failureReason === undefined ? '' : `: ${outcome.failureReason}`}\n`,
      );
      return 1;
    }
    io.stdout.write(
      outcome.moved === 0
        ? 'The dead-letter queue was empty: nothing to move.\n'
        : `Moved ${plural(outcome.moved, 'message')} back; the pipeline takes them from here.\n`,
    );
    return 0;
  } catch (error) {
    io.stderr.write(`claimscan: redrive failed: ${(error as Error).message}\n`);
    return 1;
  } finally {
    sqs.destroy();
  }
}
