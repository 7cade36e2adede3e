// What people read on a page must use words, not ids: the browser tests scan each page's visible text.
import type { Page } from 'playwright-core';
import { CLAIM_CATEGORIES, ClaimAssertion, GenreKind } from '../../shared/contract.js';
import { RECORD_STATUSES } from '../../shared/pipeline/resources.js';
import { defaultPolicy } from '../../shared/policy/index.js';

/** Ids people must never read: categories, genres, assertion statuses, statuses, disclaimers and their parts. */
export const INTERNAL_IDS = [
  ...CLAIM_CATEGORIES,
  ...GenreKind.options,
  ...ClaimAssertion.options,
  ...RECORD_STATUSES,
  ...defaultPolicy.disclaimers.flatMap((d) => [d.id, ...d.parts.map((part) => part.id)]),
];

/** An id that is also a word ("mechanism", "agency") only counts where it stands as a label. */
const idPattern = (id: string) => new RegExp(id.includes('_') ? `\\b${id}\\b` : `\\b${id}:`);

/** Internal ids and wording slips ("(s)", "1 claims", "(+0)", Markdown backticks, "required because Required:"). */
export function wordingProblems(text: string): string[] {
  return [
    ...INTERNAL_IDS.filter((id) => idPattern(id).test(text)).map((id) => `internal id ${id}`),
    ...(
      text.match(
        /\(s\)|\b1 (claims|drafts|citations|references|decisions)\b|\(\+0\)|`|required because required/gi,
      ) ?? []
    ).map((found: string) => `wording ${found}`),
  ];
}

export const visibleTextProblems = async (page: Page) =>
  wordingProblems(await page.locator('body').innerText());
