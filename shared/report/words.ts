// Words for people: titles for the ids in a result, plurals, sentences. Pages and the CLI share these, so a
// reader never meets an internal id (`disease_claim`, `pending_review`) and never reads "1 claims".
import type { ClaimAssertion, ClaimCategory, GenreKind, RiskLevel } from '../contract.js';
import { CLAIM_CATEGORIES } from '../contract.js';
import type { RecordStatus } from '../pipeline/resources.js';
import type { Policy } from '../policy/schema.js';

/** "1 claim", "3 claims"; `many` for irregular plurals ("1 reply", "2 replies"). */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? one : many}`;
}

/** "is" or "are", to agree with a count. */
export const isAre = (count: number) => (count === 1 ? 'is' : 'are');

/** "a", "a and b", "a, b and c". */
export function listing(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** The first letter in upper case: a title used to open a sentence. */
export const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** The first letter in lower case: a title used inside a sentence ("score 66, hedged"). */
export const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);

/** The last resort for an id no title covers: "some_new_id" reads "Some new id". */
export const fromId = (id: string) => capitalise(id.replace(/[_-]+/g, ' ').trim());

/**
 * Why a disclaimer is required, as the clause after "required because": the engine writes a sentence
 * ("Required: the draft makes high-risk health claims."), results stored before it the bare clause.
 */
export const requiredBecause = (disclaimer: { requiredBecause: string }) =>
  disclaimer.requiredBecause.replace(/^(?:not )?required: */i, '').replace(/[.\s]+$/, '');

export const STATUS_TITLES: Record<RecordStatus, string> = {
  pending_review: 'Waiting for review',
  passed: 'Passed',
  approved: 'Approved',
  rejected: 'Rejected',
  changes_requested: 'Changes requested',
  failed: 'Could not be checked',
};

export const LEVEL_TITLES: Record<RiskLevel, string> = {
  high: 'High risk',
  medium: 'Medium risk',
  low: 'Low risk',
};

export const VERDICT_TITLES = { pass: 'Passes', review: 'Needs review' } as const;

/**
 * The titles a policy gives its ids: claim categories, genres, assertion statuses, disclaimers and each
 * disclaimer's parts.
 */
export interface Titles {
  category(category: ClaimCategory): string;
  /** What a draft is read as ("Reference text"). */
  genre(kind: GenreKind): string;
  /** How a claim is put ("Hedged", "Reported speech"). */
  assertion(status: ClaimAssertion): string;
  disclaimer(id: string): string;
  /** What a part of a disclaimer says ("names the Food and Drug Administration (FDA)"). */
  part(disclaimerId: string, partId: string): string;
  /** The title of a category or disclaimer id; undefined for any other word. */
  of(id: string): string | undefined;
}

export function titlesOf(
  policy: Pick<Policy, 'categoryTitles' | 'genreTitles' | 'assertionTitles' | 'disclaimers'>,
): Titles {
  const disclaimers = new Map(policy.disclaimers.map((definition) => [definition.id, definition]));
  const categories = new Set<string>(CLAIM_CATEGORIES);
  const category = (id: ClaimCategory) => policy.categoryTitles[id] ?? fromId(id);
  const disclaimer = (id: string) => disclaimers.get(id)?.title ?? fromId(id);
  return {
    category,
    genre: (kind) => policy.genreTitles[kind] ?? fromId(kind),
    assertion: (status) => policy.assertionTitles[status] ?? fromId(status),
    disclaimer,
    part: (disclaimerId, partId) =>
      disclaimers.get(disclaimerId)?.parts.find((part) => part.id === partId)?.description ?? fromId(partId),
    of: (id) =>
      categories.has(id) ? category(id as ClaimCategory) : disclaimers.has(id) ? disclaimer(id) : undefined,
  };
}

/**
 * An engine sentence with the ids it names shown by their titles: a category as a label ("disease_claim: ...")
 * or an id in quotes ("\"fda_structure_function\""); in a disclaimer's note, a part as a label too.
 * Wording that names no id passes through unchanged.
 */
export function readable(sentence: string, titles: Titles, disclaimerId?: string): string {
  return sentence
    .replace(/^[a-z]+(?:_[a-z]+)*(?=: )/, (label: string) => {
      const title = titles.of(label);
      if (title !== undefined || disclaimerId === undefined) return title ?? label;
      const part = titles.part(disclaimerId, label);
      return part === fromId(label) ? label : part;
    })
    .replace(/"([a-z]+(?:_[a-z]+)+)"/g, (quoted: string, id: string) => titles.of(id) ?? quoted);
}
