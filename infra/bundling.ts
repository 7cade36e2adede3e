// How the functions are bundled: one definition read by the stack (NodejsFunction) and the bundle bench (esbuild).
// Every function shares BUNDLE; only the entry differs (and the moderate function's terser pass).
import { exec } from 'node:child_process';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import type { BuildOptions, Metafile } from 'esbuild';

export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** What every function's bundle shares. */
export const BUNDLE = {
  /** Matches the function's runtime, nodejs24.x. */
  target: 'node24',
  format: 'esm',
  /** NodejsFunction names the ESM output index.mjs, so Lambda loads it as a module. */
  outfile: 'index.mjs',
  minify: true,
  sourcemap: true,
  // Stack traces are mapped with names and lines; shipping the sources too would only grow the artifact.
  sourcesContent: false,
  // Prefer dependencies' ESM builds so unused SDK code is tree-shaken.
  mainFields: ['module', 'main'],
  // Bundled CommonJS dependencies call require(); ESM has none until we make one.
  banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  /** The SDK is bundled (pinned version, tree-shaken) rather than taken from the runtime. */
  external: [] as string[],
  /**
   * SDK modules replaced by smaller ones with the same exports (infra/shims/ says why each is safe).
   * Paths are relative to the project root, esbuild's working directory in the stack and in the bench.
   */
  alias: {
    // The default credential chain's STS/SSO clients and providers: Lambda's credentials are in the environment.
    '@aws-sdk/credential-provider-node': './infra/shims/credential-provider-env-only.ts',
    // Event-stream serde, for operations the pipeline never calls.
    '@smithy/core/event-streams': './infra/shims/event-streams-unsupported.ts',
  },
  // The only "legal" comments in the bundle are coverage pragmas (`v8 ignore ... @preserve`).
  legalComments: 'none',
} as const;

/** A function's entry file, from its name in `functions/` (`moderate`, `review-next`, ...). */
export const functionEntry = (name: string) =>
  fileURLToPath(new URL(`../functions/${name}.ts`, import.meta.url));

export const MODERATE_BUNDLE = {
  ...BUNDLE,
  entry: functionEntry('moderate'),
  /**
   * Run on esbuild's output: a second minification by terser, in place, source map included (composed with
   * esbuild's, so it still points at the TypeScript sources). esbuild keeps every SDK schema declaration with a
   * computed key (`{ [_h]: ... }`), because it cannot tell that evaluating the key has no side effects; terser
   * sees the keys are constant strings and drops the schemas of operations the pipeline never calls (~75 KB).
   * Path relative to the project root; see moderateAfterBundlingCommands.
   */
  afterBundlingScript: 'infra/minify-bundle.mjs',
} as const;

/**
 * The esbuild API options for the flags NodejsFunction passes to the esbuild CLI for BUNDLE and `entry`
 * (infra/stack.ts). The stack test checks that both produce the same moderate bundle, byte for byte.
 */
export function buildOptions(entry: string, outfile: string): BuildOptions {
  return {
    entryPoints: [entry],
    absWorkingDir: PROJECT_ROOT,
    bundle: true,
    platform: 'node',
    target: BUNDLE.target,
    format: BUNDLE.format,
    outfile,
    minify: BUNDLE.minify,
    sourcemap: BUNDLE.sourcemap,
    sourcesContent: BUNDLE.sourcesContent,
    mainFields: [...BUNDLE.mainFields],
    banner: { js: BUNDLE.banner },
    external: BUNDLE.external,
    alias: { ...BUNDLE.alias },
    legalComments: BUNDLE.legalComments,
    logLevel: 'silent',
  };
}

export const moderateBuildOptions = (outfile: string) => buildOptions(MODERATE_BUNDLE.entry, outfile);

/** BUNDLE's options that NodejsFunction has no property for, as esbuild CLI flags. */
export function esbuildArgs(): Record<string, string | string[]> {
  return {
    '--alias': Object.entries(BUNDLE.alias).map(([from, to]) => `${from}=${to}`),
    '--legal-comments': BUNDLE.legalComments,
  };
}

/**
 * The shell commands NodejsFunction's `afterBundling` hook runs (infra/stack.ts), from the project root. `inputDir`
 * is the project (or where Docker bundling mounts it), `outputDir` holds esbuild's output.
 */
export function moderateAfterBundlingCommands(inputDir: string, outputDir: string): string[] {
  const script = posix.join(inputDir, MODERATE_BUNDLE.afterBundlingScript);
  return [`node "${script}" "${posix.join(outputDir, MODERATE_BUNDLE.outfile)}"`];
}

/**
 * Builds the bundle the stack deploys into `outdir`: esbuild with moderateBuildOptions, then the same
 * afterBundling commands. The bench and the tests build it this way; the stack test checks the bytes match.
 */
export async function buildModerateBundle(
  outdir: string,
  options: { metafile?: boolean } = {},
): Promise<{ outfile: string; metafile: Metafile | undefined }> {
  const outfile = join(outdir, MODERATE_BUNDLE.outfile);
  const { metafile } = await build({ ...moderateBuildOptions(outfile), ...options });
  for (const command of moderateAfterBundlingCommands(PROJECT_ROOT, outdir)) {
    await promisify(exec)(command, { cwd: PROJECT_ROOT });
  }
  return { outfile, metafile };
}
