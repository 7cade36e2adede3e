// The engine as it ships, for the benchmarks: the compiled JavaScript (`tsc -p tsconfig.build.json`, as the CLI
// runs it; Lambda runs an esbuild bundle of the same). tsx, which runs the bench itself, wraps every closure the
// engine creates to keep its name, which costs the engine's hot loops about 15%.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Set for the bench's child processes once the parent has compiled. */
const COMPILED = 'CLAIMSCAN_BENCH_COMPILED';

if (process.env[COMPILED] !== '1') {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
  process.env[COMPILED] = '1';
}

const compiled = <T>(path: string): Promise<T> =>
  import(pathToFileURL(join(ROOT, 'dist', path)).href) as Promise<T>;

export const { analyseText, judgeDraft, moderateText, moderateDraft } =
  await compiled<typeof import('../shared/engine.js')>('shared/engine.js');
export const { defaultModel } = await compiled<typeof import('../shared/analysis/trained-model.js')>(
  'shared/analysis/trained-model.js',
);
export const { defaultPolicy } =
  await compiled<typeof import('../shared/policy/index.js')>('shared/policy/index.js');
export const { buildModeratedRecord } =
  await compiled<typeof import('../shared/pipeline/record.js')>('shared/pipeline/record.js');
