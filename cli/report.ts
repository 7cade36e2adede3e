import type { DraftErrorRecord, ModerationResult } from '../shared/contract.js';
import { isFlagged } from '../shared/contract.js';

export interface Palette {
  red(text: string): string;
  yellow(text: string): string;
  green(text: string): string;
  bold(text: string): string;
  dim(text: string): string;
}

const ansi = (code: number) => (text: string) => `\u001b[${code}m${text}\u001b[0m`;
export const COLOURS: Palette = {
  red: ansi(31),
  yellow: ansi(33),
  green: ansi(32),
  bold: ansi(1),
  dim: ansi(2),
};
const identity = (text: string) => text;
export const PLAIN: Palette = {
  red: identity,
  yellow: identity,
  green: identity,
  bold: identity,
  dim: identity,
};

/** The human report for one draft: verdict, what to fix, then each risky claim with its reasons. */
export function formatResult(result: ModerationResult, colour: Palette): string {
  const lines: string[] = [];
  const verdict = result.verdict === 'review' ? colour.red('REVIEW') : colour.green('PASS');
  lines.push(
    `${colour.bold(result.source)}  ${verdict}  risk ${result.riskScore}/100  ${colour.dim(`policy ${result.policyVersion}`)}`,
  );
  for (const reason of result.reasons) lines.push(`  - ${reason.detail}`);

  const risky = result.claims.filter(isFlagged);
  if (risky.length > 0) {
    lines.push('', `  Risky claims (${risky.length} of ${result.claims.length} claims):`);
    for (const claim of risky) {
      const level = claim.riskLevel === 'high' ? colour.red('HIGH  ') : colour.yellow('MEDIUM');
      lines.push(
        `  ${level} ${String(claim.riskScore).padStart(3)}  "${truncate(claim.text, 160)}"  ${colour.dim(`[${claim.start}-${claim.end}]`)}`,
      );
      lines.push(`         ${colour.dim(claim.categories.join(', '))}`);
      for (const factor of claim.factors.filter((candidate) => candidate.weight !== 0)) {
        const sign = factor.weight > 0 ? '+' : '';
        lines.push(`         ${colour.dim(`${sign}${factor.weight}`)} ${factor.detail}`);
      }
    }
  } else {
    lines.push('', `  No medium- or high-risk claims (${result.claims.length} low-risk).`);
  }

  lines.push('', '  Disclaimers:');
  for (const disclaimer of result.disclaimers) {
    const status =
      disclaimer.status === 'present'
        ? colour.green('present')
        : disclaimer.required
          ? colour.red(disclaimer.status)
          : colour.dim(disclaimer.status);
    const requirement = disclaimer.required ? 'required' : colour.dim('not required');
    const detail = disclaimer.missingParts?.length
      ? `: missing or changed ${disclaimer.missingParts.join(', ')}`
      : '';
    lines.push(`    ${disclaimer.id.padEnd(24)} ${status} (${requirement})${detail}`);
    for (const note of disclaimer.notes ?? []) lines.push(`      ${colour.dim(note)}`);
    if (disclaimer.required && disclaimer.expectedText)
      lines.push(`      ${colour.dim(`expected: "${disclaimer.expectedText}"`)}`);
  }

  const unsupported = result.citations.filter((citation) => citation.matchedReference === null);
  if (result.citations.length > 0) {
    lines.push(
      '',
      `  Citations: ${result.citations.length - unsupported.length} of ${result.citations.length} found in the references.`,
    );
    for (const citation of unsupported) lines.push(`    ${colour.yellow('unsupported')} ${citation.text}`);
  }
  lines.push(
    '',
    colour.dim(
      `  ${result.stats.characters} characters, ${result.stats.sentences} sentences, ${result.stats.claims} claims, ${result.stats.ms} ms`,
    ),
  );
  return lines.join('\n');
}

export function formatError(record: DraftErrorRecord, colour: Palette): string {
  return `${colour.bold(record.source)}  ${colour.red('ERROR')} ${record.error.code}: ${record.error.message}`;
}

export function formatSummary(
  results: ReadonlyArray<ModerationResult | DraftErrorRecord>,
  colour: Palette,
): string {
  const review = results.filter((result) => 'verdict' in result && result.verdict === 'review').length;
  const passed = results.filter((result) => 'verdict' in result && result.verdict === 'pass').length;
  const errors = results.length - review - passed;
  return colour.bold(
    `${results.length} draft(s): ${passed} pass, ${review} need review, ${errors} could not be read`,
  );
}

function truncate(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}
