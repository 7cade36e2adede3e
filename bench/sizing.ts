// Sizing bench (issue 11, item 1), two parts:
// 1. The worst-case draft: drafts of the size limit that cost the engine most, each moderated (engine and the
//    record the function builds) once in a fresh Node process, after a warm-up on a small draft, as a new
//    execution environment would: CPU time (wall time moves with whatever else the machine runs; CPU time is
//    what Lambda's share of a vCPU has to deliver) and peak memory. The slowest is compared with
//    MODERATE_SIZING.worstDraftSeconds, the one measured figure the function's settings derive from.
// 2. A near-limit burst: 20 Markdown drafts of 4.7 MiB uploaded at once to the local pipeline with the stack's
//    settings (batch, timeout scaled by Lambda's CPU share, memory), all processed within the timeout; then one
//    batch with the settings they replaced, which timed out on AWS, to show the local runtime reproduces that.
//    One execution environment, so the function has a core of its own (the other runs the emulators), as each
//    Lambda environment has; the machine's load average is recorded, since other work slows it all the same.
// This module is also the child process of part 1 (see the end of the file).
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { MAX_DRAFT_BYTES, MODERATE_FUNCTION, MODERATE_SIZING } from '../shared/pipeline/resources.js';
import { buildModeratedRecord, moderateDraft } from './shipped.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const THIS_FILE = fileURLToPath(import.meta.url);
const MIB = 1024 * 1024;
const round1 = (value: number) => Math.round(value * 10) / 10;

/** A draft of about `bytes` UTF-8 bytes: `unit` repeated, never over. */
const fillTo = (unit: string, bytes: number) =>
  unit.repeat(Math.max(1, Math.floor(bytes / Buffer.byteLength(unit))));

/** Every fixture and sample of one extension, end to end: a realistic, claim-rich article of that format. */
function corpus(extension: string): string {
  const texts = ['test/fixtures/drafts', 'samples'].flatMap((dir) =>
    readdirSync(join(ROOT, dir))
      .filter((name) => extname(name) === extension)
      .sort()
      .map((name) => readFileSync(join(ROOT, dir, name), 'utf8').trim()),
  );
  return `${texts.join('\n\n')}\n\n`;
}

/** Drafts that cost the engine most per byte, each just under the size limit. */
const WORST_CASES = {
  'realistic text': { name: 'draft.txt', build: (bytes: number) => fillTo(corpus('.txt'), bytes) },
  'realistic Markdown': { name: 'draft.md', build: (bytes: number) => fillTo(corpus('.md'), bytes) },
  'realistic HTML': { name: 'draft.html', build: (bytes: number) => fillTo(corpus('.html'), bytes) },
  'claim in every sentence': {
    name: 'claims.txt',
    build: (bytes: number) => fillTo('Magnesium cures depression and enhances SSRIs. ', bytes),
  },
  'short claims': { name: 'short.txt', build: (bytes: number) => fillTo('It cures cancer. ', bytes) },
  "citations only ('[1] ')": { name: 'citations.txt', build: (bytes: number) => fillTo('[1] ', bytes) },
} as const;
type WorstCase = keyof typeof WORST_CASES;

/** What the child process prints. */
interface DraftRun {
  bytes: number;
  engineMs: number;
  recordMs: number;
  /** CPU time of both (user and system). */
  cpuMs: number;
  claims: number;
  resultMb: number;
  peakRssMb: number;
}

export interface WorstDraftResult extends Partial<DraftRun> {
  case: string;
  /** CPU seconds, engine and record. */
  seconds?: number;
  /** How the run ended when it did not finish (out of memory, a stack overflow, ...). */
  error?: string;
}

export interface SizingResult {
  worstDraft: {
    cases: WorstDraftResult[];
    /** The slowest case that finished. */
    worst: { case: string; seconds: number; peakRssMb: number } | null;
    /** The figure the settings derive from, and whether every case stayed within it. */
    sizingFigureSeconds: number;
    pass: boolean;
  };
  nearLimitBurst: BurstResult;
  replacedSettings: BurstResult;
}

const SIZE_LIMIT_DRAFT = MAX_DRAFT_BYTES - 1024;
/** The child's heap may grow well past a Lambda's memory: the point is to measure what a draft takes. */
const CHILD_HEAP_MB = 4096;

function runDraft(name: WorstCase): DraftRun {
  const { name: file, build } = WORST_CASES[name];
  const warmUp = readFileSync(join(ROOT, 'samples', 'ashwagandha-sleep.txt'));
  moderateDraft({ source: 'bench', documentId: 'warm-up.txt', bytes: warmUp, name: 'warm-up.txt' });
  const bytes = Buffer.from(build(SIZE_LIMIT_DRAFT));
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const result = moderateDraft({ source: 'bench', documentId: file, bytes, name: file });
  const engineDone = performance.now();
  const uploadedAt = new Date().toISOString();
  const built = buildModeratedRecord(
    {
      bucket: 'bench',
      key: `drafts/bench/${file}`,
      publisherId: 'bench',
      documentId: file,
      version: 'v1',
      eTag: 'e1',
      sequencer: '1',
      uploadedAt,
    },
    result,
    uploadedAt,
  );
  const recordDone = performance.now();
  const cpu = process.cpuUsage(cpuBefore);
  return {
    bytes: bytes.length,
    engineMs: Math.round(engineDone - started),
    recordMs: Math.round(recordDone - engineDone),
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    claims: result.stats.claims,
    resultMb: Math.round(((built.report?.body.length ?? 0) / MIB) * 10) / 10,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

async function measureWorstDrafts(): Promise<SizingResult['worstDraft']> {
  const cases: WorstDraftResult[] = [];
  for (const name of Object.keys(WORST_CASES) as WorstCase[]) {
    try {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [
          `--max-old-space-size=${CHILD_HEAP_MB}`,
          ...MODERATE_FUNCTION.nodeOptions.split(' '),
          '--import',
          'tsx',
          THIS_FILE,
          '--draft',
          name,
        ],
        { cwd: ROOT, maxBuffer: 1024 * 1024 },
      );
      const run = JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as DraftRun;
      cases.push({ case: name, ...run, seconds: run.cpuMs / 1000 });
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr ?? String(error);
      const reason =
        stderr.split('\n').find((line) => /Error|heap|memory/i.test(line)) ?? stderr.slice(0, 200);
      cases.push({ case: name, error: reason.trim() });
    }
  }
  const finished = cases.filter((entry) => entry.seconds !== undefined);
  const worst = finished.reduce<WorstDraftResult | undefined>(
    (slowest, entry) => (slowest === undefined || entry.seconds! > slowest.seconds! ? entry : slowest),
    undefined,
  );
  return {
    cases,
    worst:
      worst === undefined
        ? null
        : { case: worst.case, seconds: worst.seconds!, peakRssMb: worst.peakRssMb ?? 0 },
    sizingFigureSeconds: MODERATE_SIZING.worstDraftSeconds,
    pass: cases.every(
      (entry) => entry.seconds !== undefined && entry.seconds <= MODERATE_SIZING.worstDraftSeconds,
    ),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Part 2: the burst on the local pipeline.

/** The settings the stack had before issue 11, under which every batch of such drafts timed out on AWS. */
export const REPLACED_SETTINGS = { batchSize: 10, memoryMiB: 1024, timeoutSeconds: 30 } as const;

export interface BurstResult {
  drafts: number;
  draftMib: number;
  settings: { batchSize: number; memoryMiB: number; timeoutSeconds: number; localTimeoutSeconds: number };
  /** Drafts with a result when the run ended. */
  processed: number;
  seconds: number;
  invocations: number;
  timeouts: number;
  crashes: number;
  longestInvocationSeconds: number;
  deadLettered: number;
  /** The machine's 1-minute load average before and after (2 cores: above 2, processes wait for a core). */
  loadAverage: [number, number];
}

async function runBurst(
  drafts: number,
  settings: { batchSize: number; memoryMiB: number; timeoutSeconds: number },
  stopAfterFirstInvocation: boolean,
): Promise<BurstResult> {
  const { startLocalPipeline } = await import('../local/pipeline.js');
  const { localTimeoutMs } = await import('../local/lambda-runtime.js');
  const { resultOf, uploadDraft, queueDepth } = await import('../local/drafts.js');
  const draftBytes = Math.round(4.7 * MIB);
  const body = Buffer.from(fillTo(corpus('.md'), draftBytes));
  const loadBefore = loadavg()[0] ?? 0;
  const pipeline = await startLocalPipeline({
    appName: 'claimscan-bench-sizing',
    concurrency: 1,
    batchSize: settings.batchSize,
    functionMemoryMiB: settings.memoryMiB,
    functionTimeoutSeconds: settings.timeoutSeconds,
    onError: () => {},
  });
  const started = Date.now();
  try {
    const uploads = [];
    for (let i = 0; i < drafts; i++)
      uploads.push(
        await uploadDraft(pipeline.clients, pipeline.names.bucket, `near-limit-${i}.md`, body, 'bench'),
      );
    const stats = pipeline.functionStats;
    const done = new Set<number>();
    // Every draft processed, or (the replaced settings) the first invocation over; a generous bound either way.
    const deadline = started + drafts * settings.timeoutSeconds * 1000;
    while (Date.now() < deadline) {
      for (const [index, upload] of uploads.entries())
        if (
          !done.has(index) &&
          (await resultOf(pipeline.clients, pipeline.names.table, upload)) !== undefined
        )
          done.add(index);
      const ended = stats.longestMs > 0 || stats.timeouts + stats.crashes > 0;
      if (done.size === drafts || (stopAfterFirstInvocation && ended)) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    return {
      drafts,
      draftMib: Math.round((body.length / MIB) * 100) / 100,
      settings: {
        ...settings,
        localTimeoutSeconds: localTimeoutMs(settings.timeoutSeconds, settings.memoryMiB) / 1000,
      },
      processed: done.size,
      seconds: Math.round((Date.now() - started) / 100) / 10,
      invocations: stats.invocations,
      timeouts: stats.timeouts,
      crashes: stats.crashes,
      longestInvocationSeconds: Math.round(stats.longestMs / 100) / 10,
      deadLettered: await queueDepth(pipeline.clients, pipeline.queues.ingestDlq),
      loadAverage: [round1(loadBefore), round1(loadavg()[0] ?? 0)],
    };
  } finally {
    await pipeline.stop();
  }
}

export async function measureSizing(): Promise<SizingResult> {
  const worstDraft = await measureWorstDrafts();
  const nearLimitBurst = await runBurst(
    20,
    {
      batchSize: MODERATE_FUNCTION.batchSize,
      memoryMiB: MODERATE_FUNCTION.memoryMiB,
      timeoutSeconds: MODERATE_FUNCTION.timeoutSeconds,
    },
    false,
  );
  const replacedSettings = await runBurst(REPLACED_SETTINGS.batchSize, REPLACED_SETTINGS, true);
  return { worstDraft, nearLimitBurst, replacedSettings };
}

export function sizingLines(result: SizingResult | { error: string }): string[] {
  if ('error' in result) return [`  failed: ${result.error.split('\n')[0]}`];
  const lines: string[] = [];
  const { worstDraft, nearLimitBurst: burst, replacedSettings: before } = result;
  for (const entry of worstDraft.cases) {
    lines.push(
      entry.error !== undefined
        ? `  ${entry.case.padEnd(28)} did not finish: ${entry.error}`
        : `  ${entry.case.padEnd(28)} ${entry.seconds!.toFixed(2).padStart(6)} s CPU  (wall: engine ${entry.engineMs} ms, record ${entry.recordMs} ms)  peak ${entry.peakRssMb} MB  ${entry.claims} claims`,
    );
  }
  lines.push(
    `  slowest: ${worstDraft.worst === null ? '-' : `${worstDraft.worst.case}, ${worstDraft.worst.seconds.toFixed(2)} s`}; sizing figure ${worstDraft.sizingFigureSeconds} s  ${worstDraft.pass ? 'ok' : 'MISSED: re-measure MODERATE_SIZING'}`,
  );
  const describe = (label: string, run: BurstResult) =>
    `  ${label}: ${run.processed}/${run.drafts} x ${run.draftMib} MiB processed in ${run.seconds} s; batch ${run.settings.batchSize}, ${run.settings.memoryMiB} MB, timeout ${run.settings.timeoutSeconds} s (${run.settings.localTimeoutSeconds} s of a local core); ${run.invocations} invocations, ${run.timeouts} timed out, longest ${run.longestInvocationSeconds} s, DLQ ${run.deadLettered}; load ${run.loadAverage.join(' -> ')}`;
  lines.push(describe('stack settings', burst), describe('replaced settings, first batch', before));
  return lines;
}

// The child process of part 1: one draft, its figures as a JSON line on stdout.
if (process.argv[2] === '--draft') {
  const name = process.argv[3] as WorstCase;
  if (!(name in WORST_CASES)) throw new Error(`unknown case ${name}`);
  console.log(JSON.stringify(runDraft(name)));
}
