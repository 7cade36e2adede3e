import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DraftErrorRecord, ModerationResult } from '../../shared/contract.js';
import { defaultPolicy } from '../../shared/policy/index.js';
import { run } from '../../cli/main.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
let dir: string;

function cli(args: string[], tty = false) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk) => (out += chunk));
  stderr.on('data', (chunk) => (err += chunk));
  const code = run(args, stdout, stderr, tty);
  return { code, stdout: out, stderr: err };
}

const write = (name: string, content: string | Uint8Array) => {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return file;
};

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'claimscan-cli-'));
  write('drafts/risky.txt', 'Magnesium cures depression and enhances SSRIs.');
  write('drafts/clean.md', '# Spinach\n\nSpinach is a leafy green vegetable.');
  write('drafts/nested/page.html', '<p>Lentils are legumes.</p>');
  write('drafts/notes.pdf', '%PDF');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('claimscan check', () => {
  it('exits 0 when every draft passes, 1 when one needs review', () => {
    expect(cli(['check', path.join(dir, 'drafts/clean.md')]).code).toBe(0);
    expect(cli(['check', path.join(dir, 'drafts')]).code).toBe(1);
  });

  it('prints a human report: verdict, risky claims with reasons, disclaimers, summary', () => {
    const { stdout } = cli(['check', path.join(dir, 'drafts')]);
    expect(stdout).toContain('REVIEW');
    expect(stdout).toMatch(/HIGH\s+\d+\s+"Magnesium cures depression and enhances SSRIs\."/);
    expect(stdout).toContain('drug_interaction');
    expect(stdout).toContain('medical_advice');
    expect(stdout).toContain('3 draft(s): 2 pass, 1 need review, 0 could not be read');
    expect(stdout).not.toContain('\u001b[');
  });

  it('colours only on a terminal', () => {
    expect(cli(['check', path.join(dir, 'drafts/risky.txt')], true).stdout).toContain('\u001b[31m');
    expect(cli(['check', '--no-color', path.join(dir, 'drafts/risky.txt')], true).stdout).not.toContain(
      '\u001b[',
    );
  });

  it('--json prints one contract-valid result per draft per line and nothing else', () => {
    const { stdout, code } = cli(['check', '--json', path.join(dir, 'drafts')]);
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    const results = lines.map((line) => ModerationResult.parse(JSON.parse(line)));
    expect(results.map((result) => path.relative(dir, result.source))).toEqual([
      'drafts/clean.md',
      path.join('drafts', 'nested', 'page.html'),
      'drafts/risky.txt',
    ]);
    expect(results[2]!.documentId).toBe('risky');
    expect(code).toBe(1);
  });

  it('reports each bad input with a specific error record and still checks the others', () => {
    const files = [
      write('bad/empty.txt', ''),
      write('bad/binary.txt', new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00])),
      write('bad/latin1.txt', new Uint8Array([0x63, 0x61, 0x66, 0xe9])),
      write('bad/big.txt', 'Magnesium. '.repeat(200)),
      path.join(dir, 'drafts/notes.pdf'),
      path.join(dir, 'missing.txt'),
      path.join(dir, 'drafts/risky.txt'),
    ];
    const { stdout, code } = cli(['check', '--json', '--max-bytes', '1000', ...files]);
    const records = stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    const codes = records.slice(0, 6).map((record) => DraftErrorRecord.parse(record).error.code);
    expect(codes).toEqual(['empty', 'binary', 'not_utf8', 'too_large', 'unknown_format', 'not_found']);
    expect(records[0].source).toBe(files[0]);
    expect(records[3].error.message).toContain('limit is 1000 bytes');
    expect(ModerationResult.parse(records[6]).verdict).toBe('review');
    expect(code).toBe(2);
  });

  it('exits 2 with usage on a usage error', () => {
    for (const args of [
      [],
      ['scan', 'x'],
      ['check'],
      ['check', '--max-bytes', 'lots', 'x'],
      ['check', '--bogus', 'x'],
    ]) {
      const { code, stderr, stdout } = cli(args);
      expect(code, args.join(' ')).toBe(2);
      expect(stderr).toContain('Usage: claimscan check');
      expect(stdout).toBe('');
    }
  });

  it('--policy swaps the policy, and a broken one is a usage error', () => {
    const policy = { ...structuredClone(defaultPolicy), version: 'house-rules-7' };
    const good = write('policy.json', JSON.stringify(policy));
    const { stdout } = cli(['check', '--json', '--policy', good, path.join(dir, 'drafts/risky.txt')]);
    expect(JSON.parse(stdout).policyVersion).toBe('house-rules-7');
    const broken = write('broken.json', JSON.stringify({ version: 'x' }));
    const result = cli(['check', '--policy', broken, path.join(dir, 'drafts/risky.txt')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/broken\.json is not a valid claimscan policy: terms/);
  });

  it('runs as a program, with the exit code as its status', async () => {
    const exec = promisify(execFile);
    const cliPath = path.join(ROOT, 'cli/main.ts');
    const tsx = path.join(ROOT, 'node_modules/.bin/tsx');
    const error = await exec(tsx, [cliPath, 'check', '--json', path.join(dir, 'drafts/risky.txt')]).catch(
      (e) => e,
    );
    expect(error.code).toBe(1);
    expect(JSON.parse(error.stdout).verdict).toBe('review');
  });
});
