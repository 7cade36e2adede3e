#!/usr/bin/env node
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { DraftErrorRecord, ModerationResult } from '../shared/contract.js';
import { DEFAULT_MAX_BYTES, moderateDraft } from '../shared/engine.js';
import { DraftError } from '../shared/errors.js';
import { defaultPolicy, parsePolicy, type Policy } from '../shared/policy/index.js';
import { titlesOf } from '../shared/report/words.js';
import * as z from '../shared/zod.js';
import { documentIdFor, expandTargets, readDraftFile } from './files.js';
import { COLOURS, formatError, formatResult, formatSummary, PLAIN } from './report.js';
import { ADMIN_USAGE, UPLOAD_USAGE } from './usage.js';

const USAGE = `Usage: claimscan check <file|dir>... [options]
       claimscan local --watch DIR   (upload drafts to the stack \`npm start\` runs)
       claimscan upload <file> --publisher ID [--api URL] [--token TOKEN]   (through the API: claimscan help upload)
       claimscan admin redrive --queue ingest|review   (dead-lettered messages back: claimscan help admin)
       claimscan help [upload|admin]
       claimscan --version

Checks health-content drafts (.txt, .md, .html) for risky health claims, missing or altered
disclaimers and citations that are not in the draft's own reference list.

Options:
  --json             one JSON result per draft per line (JSON Lines), nothing else on stdout
  --policy FILE      use this policy file instead of the built-in one
  --max-bytes N      refuse drafts larger than N bytes (default ${DEFAULT_MAX_BYTES})
  --no-color         plain output even on a terminal
  -h, --help         show this help
  --version          print the version

The report goes to stdout; a draft that cannot be checked, and usage errors, go to stderr.
Exit codes: 0 every draft passes, 1 a draft needs review, 2 a usage or input error.`;

/** The version in package.json, found from this file (cli/ under tsx, dist/cli/ when built). */
export function packageVersion(): string {
  for (let dir = new URL('.', import.meta.url); ; dir = new URL('..', dir)) {
    const file = new URL('package.json', dir);
    if (fs.existsSync(file)) {
      const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (manifest.name === 'claimscan' && manifest.version !== undefined) return manifest.version;
    }
    if (dir.pathname === '/') return 'unknown';
  }
}

const Options = z.object({
  json: z._default(z.boolean(), false),
  policy: z.optional(z.string().check(z.minLength(1))),
  maxBytes: z._default(
    z.coerce.number().check(z.int(), z.positive({ message: '--max-bytes must be a positive whole number' })),
    DEFAULT_MAX_BYTES,
  ),
  color: z._default(z.boolean(), true),
});

export function run(
  argv: readonly string[],
  stdout: NodeJS.WritableStream,
  stderr: NodeJS.WritableStream,
  tty: boolean,
): number {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      allowNegative: true,
      options: {
        json: { type: 'boolean' },
        policy: { type: 'string' },
        'max-bytes': { type: 'string' },
        color: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' },
      },
    });
  } catch (error) {
    return usage(stderr, (error as Error).message);
  }
  const { values, positionals } = parsed;
  const [command, ...paths] = positionals;
  if (values.version) {
    stdout.write(`claimscan ${packageVersion()}\n`);
    return 0;
  }
  if (values.help || command === 'help') {
    const topics: Record<string, string> = { upload: UPLOAD_USAGE, admin: ADMIN_USAGE };
    stdout.write(`${topics[paths[0] ?? ''] ?? USAGE}\n`);
    return 0;
  }
  if (command !== 'check')
    return usage(stderr, command ? `unknown command "${command}"` : 'no command given');
  if (paths.length === 0) return usage(stderr, 'no file or directory given');
  const options = Options.safeParse({
    json: values.json,
    policy: values.policy,
    maxBytes: values['max-bytes'],
    color: values.color,
  });
  if (!options.success) return usage(stderr, options.error.issues.map((issue) => issue.message).join('; '));

  let policy: Policy;
  try {
    policy = options.data.policy ? loadPolicyFile(options.data.policy) : defaultPolicy;
  } catch (error) {
    return usage(stderr, (error as Error).message);
  }
  const colour = tty && options.data.color && !options.data.json && !process.env.NO_COLOR ? COLOURS : PLAIN;
  const titles = titlesOf(policy);

  const results: Array<ModerationResult | DraftErrorRecord> = [];
  for (const target of expandTargets(paths)) {
    const outcome =
      target.kind === 'missing'
        ? { record: errorRecord(target.path, 'not_found', `no such file or directory: ${target.path}`) }
        : checkFile(target.path, policy, options.data.maxBytes);
    if ('record' in outcome) {
      results.push(outcome.record);
      if (options.data.json) stdout.write(`${JSON.stringify(outcome.record)}\n`);
      else stderr.write(`${formatError(outcome.record, colour)}\n\n`);
    } else {
      results.push(outcome.result);
      stdout.write(
        options.data.json
          ? `${JSON.stringify(outcome.result)}\n`
          : `${formatResult(outcome.result, colour, { titles, text: outcome.text })}\n\n`,
      );
    }
  }
  if (results.length === 0) return usage(stderr, `no .txt, .md or .html drafts found in ${paths.join(', ')}`);
  if (!options.data.json && results.length > 1) stdout.write(`${formatSummary(results, colour)}\n`);
  if (results.some((result) => 'error' in result)) return 2;
  return results.some((result) => 'verdict' in result && result.verdict === 'review') ? 1 : 0;
}

function checkFile(
  file: string,
  policy: Policy,
  maxBytes: number,
): { result: ModerationResult; text: string } | { record: DraftErrorRecord } {
  try {
    const { bytes, text } = readDraftFile(file, maxBytes);
    const result = moderateDraft(
      { source: file, documentId: documentIdFor(file), bytes, name: file },
      { policy, maxBytes },
    );
    return { result, text };
  } catch (error) {
    if (error instanceof DraftError) return { record: errorRecord(file, error.code, error.message) };
    return { record: errorRecord(file, 'unreadable', `cannot read ${file}: ${(error as Error).message}`) };
  }
}

function errorRecord(
  source: string,
  code: DraftErrorRecord['error']['code'],
  message: string,
): DraftErrorRecord {
  return { source, error: { code, message } };
}

function loadPolicyFile(file: string): Policy {
  let data: unknown;
  try {
    data = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read policy ${file}: ${(error as Error).message}`);
  }
  return parsePolicy(data, file);
}

function usage(stderr: NodeJS.WritableStream, message: string): number {
  stderr.write(`claimscan: ${message}\n\n${USAGE}\n`);
  return 2;
}

// Run only as the program (npx claimscan, node dist/cli/main.js), not when a test imports run().
if (process.argv[1] && fs.realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [command, ...rest] = process.argv.slice(2);
  // `claimscan local --watch DIR` is long-running and needs the local stack: its own module, loaded only then.
  if (command === 'local')
    void import('../local/watch.js').then(async ({ runWatch }) => {
      process.exitCode = await runWatch(rest);
    });
  else if (command === 'admin')
    void import('./admin.js').then(async ({ runAdmin }) => {
      process.exitCode = await runAdmin(rest, { stdout: process.stdout, stderr: process.stderr });
    });
  else if (command === 'upload')
    void import('./upload.js').then(async ({ runUpload }) => {
      process.exitCode = await runUpload(rest, {
        stdout: process.stdout,
        stderr: process.stderr,
        tty: Boolean(process.stdout.isTTY),
        stderrTty: Boolean(process.stderr.isTTY),
        env: process.env,
      });
    });
  else
    process.exitCode = run(
      process.argv.slice(2),
      process.stdout,
      process.stderr,
      Boolean(process.stdout.isTTY),
    );
}
