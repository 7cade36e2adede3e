import { moderateText } from '../../shared/engine.js';
import type { DraftFormat, ModerationResult } from '../../shared/contract.js';
import type { Policy } from '../../shared/policy/index.js';

/** Runs the engine on an inline draft. */
export function check(text: string, format: DraftFormat = 'text', policy?: Policy): ModerationResult {
  return moderateText({ source: 'inline', documentId: 'inline', text, format }, policy ? { policy } : {});
}

/** The single claim made by a one-sentence draft, or undefined when it is not a claim. */
export function claimOf(sentence: string) {
  const result = check(sentence);
  return result.claims.find((claim) => claim.text === sentence.replace(/\s+/g, ' ').trim());
}
