import type { DisclaimerDefinition } from '../policy/index.js';
import { screenedTest, screenFor } from './patterns.js';
import type { Sentence } from './sentences.js';
import { tokensOf } from './tokens.js';

export interface FoundDisclaimer {
  id: string;
  status: 'present' | 'altered' | 'missing';
  missingParts: string[];
  /** What was changed, where a part was altered rather than left out. */
  notes: string[];
  /** Analysis offsets of the matched parts, when found. */
  start?: number;
  end?: number;
}

/** A part's pattern, searched for where it matches, and its quick screen: a window the screen refuses holds none. */
interface Screened {
  pattern: RegExp;
  screen: RegExp;
}

interface CompiledPart {
  id: string;
  patterns: Screened[];
  alteredBy: Array<{ holds: (text: string) => boolean; detail: string }>;
}

interface CompiledDisclaimer {
  definition: DisclaimerDefinition;
  /** Whether a sentence holds one of the anchors (all of them in one pattern). */
  anchors: (text: string) => boolean;
  cues: ReadonlySet<string>;
  parts: CompiledPart[];
}

const compiled = new WeakMap<DisclaimerDefinition, CompiledDisclaimer>();

function compile(definition: DisclaimerDefinition): CompiledDisclaimer {
  let result = compiled.get(definition);
  if (!result) {
    result = {
      definition,
      anchors: screenedTest(new RegExp(definition.anchors.map((source) => `(?:${source})`).join('|'), 'iu')),
      cues: new Set(definition.cues),
      parts: definition.parts.map((part) => ({
        id: part.id,
        patterns: part.patterns.map((source) => {
          const pattern = new RegExp(source, 'giu');
          return { pattern, screen: screenFor(pattern) };
        }),
        alteredBy: part.alteredBy.map((alteration) => ({
          holds: screenedTest(new RegExp(alteration.pattern, 'iu')),
          detail: alteration.detail,
        })),
      })),
    };
    compiled.set(definition, result);
  }
  return result;
}

interface Candidate {
  found: string[];
  missing: string[];
  altered: string[];
  notes: string[];
  start: number;
  end: number;
}

/**
 * Finds each disclaimer by its required parts: every sentence that matches an anchor opens a window of
 * nearby sentences, the parts are looked for in it, and the window with the most parts wins.
 */
export function findDisclaimers(
  text: string,
  sentences: readonly Sentence[],
  definitions: readonly DisclaimerDefinition[],
): FoundDisclaimer[] {
  // One pass over the words finds, for every disclaimer, the sentences that hold one of its cues.
  const compiledAll = definitions.map(compile);
  const cueOwners = new Map<string, number[]>();
  compiledAll.forEach((disclaimer, index) => {
    for (const cue of disclaimer.cues) cueOwners.set(cue, [...(cueOwners.get(cue) ?? []), index]);
  });
  const cued: Sentence[][] = definitions.map(() => []);
  for (const sentence of sentences) {
    for (const token of tokensOf(sentence)) {
      const owners = cueOwners.get(token.norm);
      if (owners === undefined) continue;
      for (const owner of owners) {
        if (cued[owner]!.at(-1) !== sentence) cued[owner]!.push(sentence);
      }
    }
  }
  return compiledAll.map((disclaimer, index) => {
    const { definition } = disclaimer;
    let best: Candidate | undefined;
    let previousFirst: Sentence | undefined;
    let previousLast: Sentence | undefined;
    for (const sentence of cued[index]!) {
      // Only a window with more parts replaces the best, and none has more than all of them.
      if (best && best.found.length === disclaimer.parts.length) break;
      if (!disclaimer.anchors(sentence.text)) continue;
      const first = sentences[Math.max(0, sentence.index - definition.window.before)]!;
      const last = sentences[Math.min(sentences.length - 1, sentence.index + definition.window.after)]!;
      // Windows cut short by the draft's ends can repeat (a draft shorter than the window has one): the same
      // window finds the same parts, which cannot replace the best.
      if (first === previousFirst && last === previousLast) continue;
      previousFirst = first;
      previousLast = last;
      const candidate = evaluate(disclaimer, text, first.start, last.end);
      const attempt =
        definition.attemptParts.length === 0 ||
        definition.attemptParts.some((id) => candidate.found.includes(id) || candidate.altered.includes(id));
      if (attempt && candidate.found.length > 0 && (!best || candidate.found.length > best.found.length)) {
        best = candidate;
      }
    }
    if (!best) return { id: definition.id, status: 'missing', missingParts: [], notes: [] };
    const enough = definition.presentWith ?? definition.parts.length;
    return {
      id: definition.id,
      status: best.found.length >= enough ? 'present' : 'altered',
      missingParts: best.missing,
      notes: best.notes,
      start: best.start,
      end: best.end,
    };
  });
}

function evaluate(disclaimer: CompiledDisclaimer, text: string, from: number, to: number): Candidate {
  const window = text.slice(from, to);
  const candidate: Candidate = { found: [], missing: [], altered: [], notes: [], start: to, end: from };
  for (const part of disclaimer.parts) {
    let matched = false;
    for (const { pattern, screen } of part.patterns) {
      if (!screen.test(window)) continue;
      pattern.lastIndex = 0;
      const match = pattern.exec(window);
      if (match) {
        matched = true;
        candidate.start = Math.min(candidate.start, from + match.index);
        candidate.end = Math.max(candidate.end, from + match.index + match[0].length);
        break;
      }
    }
    if (matched) {
      candidate.found.push(part.id);
      continue;
    }
    candidate.missing.push(part.id);
    const alteration = part.alteredBy.find(({ holds }) => holds(window));
    if (alteration) {
      candidate.altered.push(part.id);
      candidate.notes.push(alteration.detail);
    }
  }
  return candidate;
}
