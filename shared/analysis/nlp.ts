import winkNLP from 'wink-nlp';
import model from 'wink-eng-lite-web-model';

/** One word of a sentence as the tagger read it, in analysis offsets. */
export interface TaggedWord {
  start: number;
  end: number;
  /** Lower case, as written ("doesn't" is two words: "does", "n't"). */
  lower: string;
  /** Base form: "cures" -> "cure", "n't" -> "not". */
  lemma: string;
  /** Universal part of speech: VERB, NOUN, PROPN, AUX, PART, NUM, ... */
  pos: string;
  /** Inside a negation's scope, which ends at the next clause break ("does not cure X, but ..."). */
  negated: boolean;
}

type Nlp = ReturnType<typeof winkNLP>;
let nlp: Nlp | undefined;

/** The model loads on first use: sentences without a claim cue never need it. */
function tagger(): Nlp {
  // Sentences come segmented already, so wink's own sentence splitter, entities and sentiment are off.
  nlp ??= winkNLP(model, ['negation', 'pos']);
  return nlp;
}

const TITLE_WORD = /^\p{Lu}(?:[\p{Ll}'’-]|\p{Lu}+$)/u;

/**
 * Tags one sentence. Title Case and ALL CAPS headings ("Reduces Cancer Risk") are tagged in lower case,
 * where the tagger reads verbs and nouns rather than a run of proper names; offsets are unchanged.
 */
export function tagSentence(text: string, offset: number): TaggedWord[] {
  const engine = tagger();
  const its = engine.its;
  const input = isTitleCase(text) ? lowerSameLength(text) : text;
  const tokens = engine.readDoc(input).tokens();
  const values = tokens.out(its.value) as string[];
  const spaces = tokens.out(its.precedingSpaces) as string[];
  const pos = tokens.out(its.pos) as string[];
  // wink's typings give lemma a third parameter its `out` never passes; the call itself is documented.
  const lemmas = tokens.out(its.lemma as unknown as typeof its.value) as string[];
  const negated = tokens.out(its.negationFlag) as unknown as boolean[];
  const words: TaggedWord[] = [];
  let at = offset;
  for (let i = 0; i < values.length; i++) {
    at += spaces[i]!.length;
    const value = values[i]!;
    // The tagger gives back the text it read; should it ever differ, find the word again ahead.
    if (input.slice(at - offset, at - offset + value.length) !== value) {
      const found = input.indexOf(value, at - offset);
      if (found < 0) break;
      at = offset + found;
    }
    words.push({
      start: at,
      end: at + value.length,
      lower: text.slice(at - offset, at - offset + value.length).toLowerCase(),
      lemma: lemmas[i]!.toLowerCase(),
      pos: pos[i]!,
      negated: negated[i] === true,
    });
    at += value.length;
  }
  return words;
}

function isTitleCase(text: string): boolean {
  const words = text.split(/\s+/u).filter((word) => /^\p{L}/u.test(word) && word.length > 3);
  if (words.length < 2) return false;
  const titled = words.filter((word) => TITLE_WORD.test(word)).length;
  return titled / words.length >= 0.6;
}

/** Lower case where that keeps every character's length (so offsets stay valid). */
function lowerSameLength(text: string): string {
  const lower = text.toLowerCase();
  return lower.length === text.length ? lower : text;
}
