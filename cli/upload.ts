// `claimscan upload <file> --publisher ID`: the publisher's page from the command line. Asks the API for a
// presigned URL, PUTs the draft to S3 with a progress bar, waits for the pipeline's result, prints the report.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { DraftFormat } from '../shared/contract.js';
import { DraftErrorRecord, ModerationResult } from '../shared/contract.js';
import { DraftError } from '../shared/errors.js';
import { draftNameProblem, publisherIdProblem } from '../shared/pipeline/names.js';
import { MAX_DRAFT_BYTES } from '../shared/pipeline/resources.js';
import { defaultPolicy } from '../shared/policy/index.js';
import { detectFormat } from '../shared/read/index.js';
import { STATUS_TITLES, titlesOf } from '../shared/report/words.js';
import type { PresignedGet, ReportResponse } from '../shared/review/model.js';
import * as z from '../shared/zod.js';
import type { UploadedVersion } from './api-client.js';
import { ApiClient, ApiError, putDraft } from './api-client.js';
import { readDraftFile } from './files.js';
import { COLOURS, formatError, formatResult, PLAIN } from './report.js';
import { UPLOAD_USAGE } from './usage.js';

/** What the API is told the draft is: the format the engine reads it as, always UTF-8. */
const CONTENT_TYPES: Record<DraftFormat, string> = {
  text: 'text/plain',
  markdown: 'text/markdown',
  html: 'text/html',
};

const UploadOptions = z.object({
  file: z.string().check(z.minLength(1, { message: 'no file given' })),
  publisher: z.string().check(z.minLength(1, { message: '--publisher is required' })),
  api: z.url({ message: '--api (or CLAIMSCAN_API_URL) must be the API URL' }),
  token: z.string().check(z.minLength(1, { message: '--token (or CLAIMSCAN_TOKEN) is required' })),
  timeoutSeconds: z.coerce.number().check(z.positive({ message: '--timeout must be a positive number' })),
  json: z.boolean(),
  color: z.boolean(),
});
export type UploadOptions = z.infer<typeof UploadOptions>;

/** The options, or the usage error to print. */
export function parseUploadArgs(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): { options: UploadOptions } | { error: string } | { help: true } {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      allowNegative: true,
      options: {
        publisher: { type: 'string' },
        api: { type: 'string' },
        token: { type: 'string' },
        timeout: { type: 'string' },
        json: { type: 'boolean' },
        color: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    return { error: (error as Error).message };
  }
  const { values, positionals } = parsed;
  if (values.help) return { help: true };
  if (positionals.length > 1) return { error: 'upload takes one file' };
  const options = UploadOptions.safeParse({
    file: positionals[0] ?? '',
    publisher: values.publisher ?? '',
    api: values.api ?? env.CLAIMSCAN_API_URL ?? '',
    token: values.token ?? env.CLAIMSCAN_TOKEN ?? '',
    timeoutSeconds: values.timeout ?? '120',
    json: values.json ?? false,
    color: values.color ?? true,
  });
  if (!options.success) return { error: options.error.issues.map((issue) => issue.message).join('; ') };
  // The API's rule, so that a publisher id it would refuse is refused here, before the file is read.
  const publisherProblem = publisherIdProblem(options.data.publisher);
  if (publisherProblem !== undefined) return { error: `--publisher: ${publisherProblem}` };
  return { options: options.data };
}

export interface UploadIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** stdout is a terminal: colour. */
  tty: boolean;
  /** stderr is a terminal: a redrawn progress bar rather than lines. */
  stderrTty: boolean;
  env: NodeJS.ProcessEnv;
  /** Between polls of the report; 1 s. */
  pollMs?: number;
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

/** A bar redrawn in place on a terminal; elsewhere a line at each quarter. */
function progressBar(stderr: NodeJS.WritableStream, tty: boolean) {
  let lastQuarter = -1;
  return (sent: number, total: number) => {
    const ratio = total === 0 ? 1 : sent / total;
    if (tty) {
      const width = 30;
      const filled = Math.round(ratio * width);
      stderr.write(
        `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${kb(sent)} / ${kb(total)} ${Math.round(ratio * 100)}%`,
      );
      if (sent === total) stderr.write('\n');
      return;
    }
    const quarter = Math.floor(ratio * 4);
    if (quarter === lastQuarter) return;
    lastQuarter = quarter;
    stderr.write(`uploaded ${sent} of ${total} bytes (${Math.round(ratio * 100)}%)\n`);
  };
}

export async function runUpload(argv: readonly string[], io: UploadIo): Promise<number> {
  const { stdout, stderr } = io;
  const parsed = parseUploadArgs(argv, io.env);
  if ('help' in parsed) {
    stdout.write(`${UPLOAD_USAGE}\n`);
    return 0;
  }
  if ('error' in parsed) {
    stderr.write(`claimscan: ${parsed.error}\n\n${UPLOAD_USAGE}\n`);
    return 2;
  }
  const { options } = parsed;
  const fail = (message: string) => {
    stderr.write(`claimscan: ${message}\n`);
    return 2;
  };
  const colour = io.tty && options.color && !options.json && !io.env.NO_COLOR ? COLOURS : PLAIN;
  const refuse = (record: DraftErrorRecord) => {
    if (options.json) stdout.write(`${JSON.stringify(record)}\n`);
    else stderr.write(`${formatError(record, colour)}\n`);
    return 2;
  };
  // The file's name becomes the document id: the API's rule for it (shared/pipeline/names.ts), checked first.
  const name = path.basename(options.file);
  const nameProblem = draftNameProblem(name);
  if (nameProblem !== undefined) return fail(`cannot upload ${JSON.stringify(name)}: ${nameProblem}`);
  // Checked here as \`check\` checks it, before a byte is sent: the pipeline would only record the same failure.
  let draft: { bytes: Buffer; text: string };
  try {
    const stat = fs.statSync(options.file, { throwIfNoEntry: false });
    if (stat === undefined || !stat.isFile())
      throw new DraftError('not_found', `no such file: ${options.file}`);
    draft = readDraftFile(options.file, MAX_DRAFT_BYTES);
  } catch (error) {
    if (!(error instanceof DraftError)) return fail(`cannot read ${options.file}: ${String(error)}`);
    return refuse({ source: options.file, error: { code: error.code, message: error.message } });
  }
  const contentType = CONTENT_TYPES[detectFormat(options.file)];

  const api = new ApiClient(options.api, options.token);
  let report: ReportResponse | undefined;
  let result: ModerationResult | null;
  try {
    const upload = await api.requestUpload({
      name,
      contentType: `${contentType}; charset=utf-8`,
      size: draft.bytes.byteLength,
      publisherId: options.publisher,
    });
    stderr.write(`Uploading ${options.file} to ${upload.key}\n`);
    const uploaded = await putDraft(upload, draft.bytes, progressBar(stderr, io.stderrTty));
    report = await waitForReport(api, upload.documentId, uploaded, options.timeoutSeconds, io);
    if (report === undefined)
      return fail(
        `no result for ${upload.documentId} (version ${uploaded.version}) after ${options.timeoutSeconds} s`,
      );
    // A result too large for the API's answer comes cut down: the full one is a presigned GET away.
    result = report.resultUrl === undefined ? report.result : await fullResult(report.resultUrl);
  } catch (error) {
    if (error instanceof ApiError) return fail(`${error.message} (${error.code})`);
    return fail(String(error instanceof Error ? error.message : error));
  }

  const { draft: version } = report;
  if (result === null) {
    return refuse(
      DraftErrorRecord.parse({
        source: version.key,
        error: version.failure ?? {
          code: 'unreadable',
          message: `the draft was not moderated (${version.status})`,
        },
      }),
    );
  }
  stdout.write(
    options.json
      ? `${JSON.stringify(result)}\n`
      : `${formatResult(result, colour, { titles: titlesOf(defaultPolicy), text: draft.text })}\n`,
  );
  return result.verdict === 'review' ? 1 : 0;
}

async function fullResult(get: PresignedGet): Promise<ModerationResult> {
  const response = await fetch(get.url, { headers: get.headers });
  if (!response.ok)
    throw new ApiError(response.status, 'bad_response', `the full result: HTTP ${response.status}`);
  return ModerationResult.parse(await response.json());
}

/** Polls the report route until the pipeline has recorded the version, with a status line on stderr. */
async function waitForReport(
  api: ApiClient,
  documentId: string,
  uploaded: UploadedVersion,
  timeoutSeconds: number,
  io: UploadIo,
): Promise<ReportResponse | undefined> {
  const started = Date.now();
  const deadline = started + timeoutSeconds * 1000;
  for (let poll = 0; ; poll++) {
    const report = await api.report(documentId, uploaded);
    const waited = Math.round((Date.now() - started) / 1000);
    if (report !== undefined) {
      if (io.stderrTty && poll > 0) io.stderr.write('\n');
      io.stderr.write(`Checked: ${STATUS_TITLES[report.draft.status]} (after ${waited} s)\n`);
      return report;
    }
    if (Date.now() >= deadline) {
      if (io.stderrTty && poll > 0) io.stderr.write('\n');
      return undefined;
    }
    if (io.stderrTty) io.stderr.write(`\rWaiting for the result... ${waited} s`);
    else if (poll % 10 === 0) io.stderr.write(`Waiting for the result (${waited} s)\n`);
    await new Promise((resolve) => setTimeout(resolve, io.pollMs ?? 1000));
  }
}
