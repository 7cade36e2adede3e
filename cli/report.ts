import type { Claim, DraftErrorRecord, ModerationResult } from '../shared/contract.js';
import { isFlagged } from '../shared/contract.js';
import type { ReportTotals } from '../shared/report/digest.js';
import {
  claimAdvice,
  factorLine,
  fixList,
  flaggedNumbers,
  genreExplained,
  scoreExplanation,
  shownFactors,
  totalsOf,
} from '../shared/report/advice.js';
import type { Location } from '../shared/report/location.js';
import { excerpt, locator } from '../shared/report/location.js';
import type { Titles } from '../shared/report/words.js';
import {
  LEVEL_TITLES,
  listing,
  lowerFirst,
  plural,
  readable,
  requiredBecause,
  VERDICT_TITLES,
} from '../shared/report/words.js';

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

export interface ReportContext {
  titles: Titles;
  /** The draft as read: claims and citations are then shown at line:column with their line. */
  text?: string;
  /** Counts over the whole result when `result` holds only part of its lists (the review API's answer). */
  totals?: ReportTotals;
}

/** The human report for one draft: verdict and score explained, what to fix, each risky claim, disclaimers, citations. */
export function formatResult(result: ModerationResult, colour: Palette, context: ReportContext): string {
  const { titles } = context;
  const totals = context.totals ?? totalsOf(result);
  const locate = context.text === undefined ? undefined : locator(context.text);
  const where = (offset: number) => (locate === undefined ? undefined : locate(offset));
  const numbers = flaggedNumbers(result.claims);
  const describeClaim = (claim: Claim) => {
    const number = numbers.get(claim.id);
    const at = where(claim.start);
    return [
      number === undefined ? 'a low-risk claim' : `claim ${number}`,
      at && `line ${at.line}:${at.column}`,
    ]
      .filter(Boolean)
      .join(', ');
  };

  const lines: string[] = [];
  const verdict =
    result.verdict === 'review' ? colour.red(VERDICT_TITLES.review) : colour.green(VERDICT_TITLES.pass);
  lines.push(colour.bold(result.source), `  ${verdict}. ${colour.dim(`Policy ${result.policyVersion}.`)}`);
  if (result.genre !== undefined) {
    const genre = genreExplained(result.genre, titles);
    lines.push(
      `  ${colour.bold(genre.title)}${genre.consequence === '' ? '.' : `: ${genre.consequence}`}`,
      ...genre.details.map((detail) => `    ${colour.dim(detail)}`),
    );
  }
  lines.push(`  ${scoreExplanation(result, titles, totals, describeClaim)}`);

  const fixes = fixList(result, titles, totals);
  if (fixes.length > 0) lines.push('', '  What to fix:', ...fixes.map((fix) => `    - ${fix}`));

  const risky = result.claims.filter(isFlagged).sort((a, b) => a.start - b.start);
  const all = totals.claims.high + totals.claims.medium + totals.claims.low;
  if (risky.length > 0) {
    const levels = [
      totals.claims.high > 0 && `${totals.claims.high} high`,
      totals.claims.medium > 0 && `${totals.claims.medium} medium`,
    ].filter((part): part is string => typeof part === 'string');
    lines.push('', `  Risky claims: ${levels.join(' and ')} risk, of ${plural(all, 'claim')}.`);
    for (const claim of risky)
      lines.push(...claimLines(claim, numbers.get(claim.id) ?? 0, where(claim.start), context, colour));
    const hidden = totals.claims.high + totals.claims.medium - risky.length;
    if (hidden > 0) lines.push('', `  ${plural(hidden, 'more risky claim')} not shown.`);
  } else {
    lines.push('', `  No medium- or high-risk claims (${plural(all, 'low-risk claim')}).`);
  }

  lines.push('', '  Disclaimers:');
  for (const disclaimer of result.disclaimers) {
    const title = titles.disclaimer(disclaimer.id);
    if (!disclaimer.required) {
      lines.push(
        `    ${title}: ${colour.dim(`not required${disclaimer.status === 'present' ? ' (present)' : ''}`)}`,
      );
      continue;
    }
    const status = disclaimer.status === 'present' ? colour.green('present') : colour.red(disclaimer.status);
    lines.push(`    ${title}: ${status} ${colour.dim(`(required because ${requiredBecause(disclaimer)})`)}`);
    if (disclaimer.missingParts?.length)
      lines.push(
        `      Missing or changed: ${listing(disclaimer.missingParts.map((part) => titles.part(disclaimer.id, part)))}.`,
      );
    for (const note of disclaimer.notes ?? [])
      lines.push(`      ${colour.dim(readable(note, titles, disclaimer.id))}`);
    if (disclaimer.status !== 'present' && disclaimer.expectedText)
      lines.push(`      Add: "${disclaimer.expectedText}"`);
  }

  const { all: cited, unsupported } = totals.citations;
  if (cited > 0) {
    lines.push(
      '',
      `  Citations: ${cited - unsupported} of ${cited} ${cited === 1 ? 'is' : 'are'} in the references.`,
    );
    const missing = result.citations.filter((candidate) => candidate.matchedReference === null);
    if (missing.length > 0) lines.push(`  ${colour.yellow('Not in the references:')}`);
    for (const citation of missing) {
      const at = where(citation.start);
      lines.push(`    ${at ? `line ${at.line}:${at.column}  ` : ''}${citation.text}`);
    }
  }
  lines.push(
    '',
    colour.dim(
      `  ${plural(result.stats.characters, 'character')}, ${plural(result.stats.sentences, 'sentence')}, ${plural(result.stats.claims, 'claim')}${listedNote(result)}; checked in ${result.stats.ms} ms.`,
    ),
  );
  return lines.join('\n');
}

/** A draft with more claims than a result lists says so: the listed ones are the riskiest. */
function listedNote(result: ModerationResult): string {
  const listed = result.claims.length;
  return listed < result.stats.claims ? ` (the ${listed.toLocaleString('en-US')} riskiest listed)` : '';
}

function claimLines(
  claim: Claim,
  number: number,
  at: Location | undefined,
  { titles }: ReportContext,
  colour: Palette,
): string[] {
  const level = claim.riskLevel === 'high' ? colour.red : colour.yellow;
  const put = claim.assertion === undefined ? '' : `, ${lowerFirst(titles.assertion(claim.assertion))}`;
  const categories = claim.categories.map((category) => titles.category(category)).join(', ');
  const lines = [
    '',
    `  ${colour.bold(`Claim ${number}`)}  ${level(`${LEVEL_TITLES[claim.riskLevel]}, score ${claim.riskScore}${put}`)}${at ? `  line ${at.line}:${at.column}` : ''}  ${colour.dim(categories)}`,
    at
      ? `    ${colour.dim(`${at.line} |`)} ${excerpt(at.lineText, at.column)}`
      : `    "${truncate(claim.text, 160)}"`,
  ];
  const factors = shownFactors(claim);
  if (factors.length > 0)
    lines.push('    Why:', ...factors.map((factor) => `      ${factorLine(factor, titles)}`));
  const advice = claimAdvice(claim);
  if (advice.length > 0) lines.push('    What to change:', ...advice.map((line) => `      ${line}`));
  return lines;
}

export function formatError(record: DraftErrorRecord, colour: Palette): string {
  return `${colour.bold(record.source)}  ${colour.red('could not be checked')}: ${record.error.message}.`;
}

export function formatSummary(
  results: ReadonlyArray<ModerationResult | DraftErrorRecord>,
  colour: Palette,
): string {
  const review = results.filter((result) => 'verdict' in result && result.verdict === 'review').length;
  const passed = results.filter((result) => 'verdict' in result && result.verdict === 'pass').length;
  const errors = results.length - review - passed;
  return colour.bold(
    `${plural(results.length, 'draft')}: ${passed} ${passed === 1 ? 'passes' : 'pass'}, ${review} ${review === 1 ? 'needs' : 'need'} review, ${errors} could not be read.`,
  );
}

function truncate(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}
