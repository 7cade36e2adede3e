// Review API bench (issue 11): the size of what `POST /reviews/next` and the report route answer for the
// largest drafts, against Lambda's 6 MB response limit, and how long each request held the local process's
// event loop (the local API runs the handlers in-process). Each draft goes through the local pipeline (the
// bundled function, the emulators) and is then leased and read through the local API over HTTP.
// `tsx bench/review-responses.ts` runs this section alone and merges it into bench/results.json.
import { readFile, writeFile } from 'node:fs/promises';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { uploadDraft } from '../local/drafts.js';
import { startLocalPipeline } from '../local/pipeline.js';
import { startReviewApiServer } from '../local/review-api.js';
import { draftPk } from '../shared/pipeline/record.js';
import { MAX_DRAFT_BYTES } from '../shared/pipeline/resources.js';
import { ResultsStore } from '../shared/pipeline/store.js';
import { NextResponse, ReportResponse } from '../shared/review/model.js';
import { articlesDraft, claimDenseDraft } from './large-drafts.js';

const LAMBDA_RESPONSE_LIMIT_BYTES = 6 * 1024 * 1024;
const PUBLISHER = 'bench';
const TIMEOUT_MS = 300_000;

interface Answer {
  bytes: number;
  ms: number;
  /** The longest the process's event loop was blocked while the request ran. */
  maxEventLoopBlockMs: number;
}

export interface ReviewResponseFigures {
  draft: string;
  format: string;
  draftBytes: number;
  /** The full result's JSON, as stored in reports/: what the routes used to send whole. */
  fullResultBytes: number;
  claims: number;
  flaggedClaims: number;
  /** Upload to the review message sent, through the local pipeline. */
  moderatedSeconds: number;
  next: Answer & { flaggedClaimsSent: number; textInline: boolean; resultUrl: boolean };
  report: Answer;
  pass: boolean;
}

export interface ReviewResponsesResult {
  limitBytes: number;
  drafts: ReviewResponseFigures[];
}

const round = (value: number) => Math.round(value * 10) / 10;

async function timedRequest(url: string, init: RequestInit): Promise<Answer & { json: unknown }> {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const started = performance.now();
  const response = await fetch(url, init);
  const body = Buffer.from(await response.arrayBuffer());
  const ms = performance.now() - started;
  delay.disable();
  if (response.status !== 200)
    throw new Error(`${url}: HTTP ${response.status} ${body.toString('utf8').slice(0, 500)}`);
  return {
    bytes: body.byteLength,
    ms: round(ms),
    maxEventLoopBlockMs: round(delay.max / 1e6),
    json: JSON.parse(body.toString('utf8')) as unknown,
  };
}

export async function measureReviewResponses(root: string): Promise<ReviewResponsesResult> {
  const drafts = [
    { name: 'claim-dense.txt', format: 'text', text: claimDenseDraft() },
    {
      name: 'articles.md',
      format: 'markdown',
      text: articlesDraft(root, Math.floor(MAX_DRAFT_BYTES * 0.94)),
    },
  ];
  const pipeline = await startLocalPipeline({ appName: 'claimscan-bench-review', logLevel: 'ERROR' });
  const api = await startReviewApiServer({
    clients: pipeline.clients,
    tableName: pipeline.names.table,
    reviewQueueUrl: pipeline.queues.review,
    reviewDlqUrl: pipeline.queues.reviewDlq,
    bucket: pipeline.names.bucket,
    pagesDir: false,
    principals: [
      { name: 'reviewer', role: 'reviewer' },
      { name: 'publisher', role: 'publisher', publisherId: PUBLISHER },
    ],
    log: { warn: () => {}, error: (...args: unknown[]) => console.error(...args) },
  });
  const store = new ResultsStore(pipeline.clients.db, pipeline.names.table);
  const as = (who: string, method = 'GET', body?: unknown): RequestInit => ({
    method,
    headers: {
      authorization: `Bearer ${api.tokens[who]}`,
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const figures: ReviewResponseFigures[] = [];
  try {
    for (const draft of drafts) {
      const started = performance.now();
      await uploadDraft(
        pipeline.clients,
        pipeline.names.bucket,
        draft.name,
        Buffer.from(draft.text),
        PUBLISHER,
      );
      let record;
      for (;;) {
        [record] = await store.history(draftPk(PUBLISHER, draft.name));
        if (record?.reviewEnqueuedAt !== undefined) break;
        if (record !== undefined && record.status !== 'pending_review')
          throw new Error(`${draft.name}: ${record.status}, not flagged`);
        if (performance.now() - started > TIMEOUT_MS) throw new Error(`${draft.name}: no review message`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      const moderatedSeconds = round((performance.now() - started) / 1000);
      const head = await pipeline.clients.s3.send(
        new HeadObjectCommand({ Bucket: record.bucket, Key: record.reportKey ?? '' }),
      );

      const taken = await timedRequest(`${api.url}/reviews/next`, as('reviewer', 'POST'));
      const lease = NextResponse.parse(taken.json);
      if (lease.empty) throw new Error(`${draft.name}: nothing to lease`);
      const version = encodeURIComponent(lease.draft.version);
      const report = await timedRequest(
        `${api.url}/drafts/${encodeURIComponent(draft.name)}/versions/${version}/report`,
        as('publisher'),
      );
      ReportResponse.parse(report.json);
      const decided = await fetch(
        `${api.url}/drafts/${encodeURIComponent(draft.name)}/versions/${version}/decision?publisherId=${PUBLISHER}`,
        as('reviewer', 'POST', { leaseId: lease.leaseId, decision: 'reject', note: 'bench' }),
      );
      if (decided.status !== 200) throw new Error(`${draft.name}: decision HTTP ${decided.status}`);

      const { totals } = lease;
      figures.push({
        draft: draft.name,
        format: draft.format,
        draftBytes: Buffer.byteLength(draft.text),
        fullResultBytes: head.ContentLength ?? 0,
        claims: totals.claims.high + totals.claims.medium + totals.claims.low,
        flaggedClaims: totals.claims.high + totals.claims.medium,
        moderatedSeconds,
        next: {
          bytes: taken.bytes,
          ms: taken.ms,
          maxEventLoopBlockMs: taken.maxEventLoopBlockMs,
          flaggedClaimsSent: lease.flaggedClaims.length,
          textInline: lease.text !== null,
          resultUrl: lease.resultUrl !== undefined,
        },
        report: { bytes: report.bytes, ms: report.ms, maxEventLoopBlockMs: report.maxEventLoopBlockMs },
        pass: taken.bytes < LAMBDA_RESPONSE_LIMIT_BYTES && report.bytes < LAMBDA_RESPONSE_LIMIT_BYTES,
      });
    }
  } finally {
    await api.stop();
    await pipeline.stop();
  }
  return { limitBytes: LAMBDA_RESPONSE_LIMIT_BYTES, drafts: figures };
}

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(2);

export function reviewResponseLines(result: ReviewResponsesResult | { error: string }): string[] {
  if ('error' in result)
    return ['  FAILED (no figures):', ...result.error.split('\n').map((line) => `    ${line}`)];
  const lines = [
    `  ${'draft'.padEnd(18)}${'MB'.padStart(6)}${'claims'.padStart(8)}${'result MB'.padStart(11)}${'next MB'.padStart(9)}${'ms'.padStart(7)}${'block'.padStart(7)}${'report MB'.padStart(11)}${'ms'.padStart(7)}${'block'.padStart(7)}   < ${mb(result.limitBytes)} MB`,
  ];
  for (const d of result.drafts)
    lines.push(
      `  ${d.draft.padEnd(18)}${mb(d.draftBytes).padStart(6)}${String(d.claims).padStart(8)}${mb(d.fullResultBytes).padStart(11)}${mb(d.next.bytes).padStart(9)}${String(Math.round(d.next.ms)).padStart(7)}${String(Math.round(d.next.maxEventLoopBlockMs)).padStart(7)}${mb(d.report.bytes).padStart(11)}${String(Math.round(d.report.ms)).padStart(7)}${String(Math.round(d.report.maxEventLoopBlockMs)).padStart(7)}   ${d.pass ? 'ok' : 'FAIL'}`,
      `    ${d.next.flaggedClaimsSent} of ${d.flaggedClaims} flagged claims sent; text ${d.next.textInline ? 'inline' : 'as a presigned GET'}${d.next.resultUrl ? '; full result as a presigned GET' : ''}; moderated in ${d.moderatedSeconds} s`,
    );
  lines.push('  block: the longest the local process was blocked during the request (ms)');
  return lines;
}

// `tsx bench/review-responses.ts`: this section alone, merged into bench/results.json.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const results = fileURLToPath(new URL('results.json', import.meta.url));
  const reviewResponses = await measureReviewResponses(fileURLToPath(new URL('..', import.meta.url)));
  const previous = JSON.parse(await readFile(results, 'utf8')) as Record<string, unknown>;
  await writeFile(results, `${JSON.stringify({ ...previous, reviewResponses }, null, 2)}\n`);
  console.log(
    ['Review API answers for the largest drafts', ...reviewResponseLines(reviewResponses)].join('\n'),
  );
}
