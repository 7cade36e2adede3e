// Bundle-size bench: bundles functions/moderate.ts as the stack does (esbuild, then terser) and times its import.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { buildModerateBundle } from '../infra/bundling.js';
import { ENV } from '../shared/pipeline/resources.js';

const run = promisify(execFile);

const IMPORT_RUNS = 5;

/** Bytes of the bundled handler (without its source map) and the time a fresh `node` takes to import it. */
export async function measureModerateBundle(): Promise<{
  bytes: number;
  importMs: number;
  importRunsMs: number[];
}> {
  const dir = await mkdtemp(join(tmpdir(), 'claimscan-bundle-'));
  try {
    const { outfile } = await buildModerateBundle(dir);
    const { size } = await stat(outfile);
    const script = [
      'const start = performance.now();',
      `await import(${JSON.stringify(pathToFileURL(outfile).href)});`,
      'process.stdout.write(String(performance.now() - start));',
    ].join('\n');
    // The handler validates its environment at import time, as it does in Lambda.
    const env = {
      PATH: process.env.PATH ?? '',
      AWS_REGION: 'us-east-1',
      [ENV.stage]: 'dev',
      [ENV.tableName]: 'bench-results',
      [ENV.reviewQueueUrl]: 'https://sqs.us-east-1.amazonaws.com/123456789012/bench-review.fifo',
    };
    // The median of a few fresh processes: one import on a busy host can take half as long again.
    const imports: number[] = [];
    for (let i = 0; i < IMPORT_RUNS; i++) {
      const { stdout } = await run(process.execPath, ['--input-type=module', '--eval', script], { env });
      imports.push(Number(stdout));
    }
    imports.sort((a, b) => a - b);
    return { bytes: size, importMs: imports[Math.floor(IMPORT_RUNS / 2)]!, importRunsMs: imports };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
