import winkNLP from 'wink-nlp';
import model from 'wink-eng-lite-web-model';

/** One word of a sentence as the tagger read it, in analysis offsets. */
export interface TaggedWord {
  start: number;
  end: number;
  /** Lower case, as written ("doesn't" is two words: "does", "n't"). */
  lower: string;
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
 * Tags a run of text (one sentence, or several in a row: one call to the tagger costs less than several).
 * Title Case and ALL CAPS sentences ("Reduces Cancer Risk") are tagged in lower case, where the tagger reads
 * verbs and nouns rather than a run of proper names; offsets are unchanged. `spans` are the sentences of
 * the run, relative to `text`, for that test.
 */
export function tagText(
  text: string,
  offset: number,
  spans: ReadonlyArray<readonly [number, number]> = [[0, text.length]],
): TaggedWord[] {
  const engine = tagger();
  const its = engine.its;
  let input = text;
  for (const [from, to] of spans) {
    const sentence = text.slice(from, to);
    if (isTitleCase(sentence)) input = input.slice(0, from) + lowerSameLength(sentence) + input.slice(to);
  }
  const tokens = engine.readDoc(input).tokens();
  const values = tokens.out(its.value) as string[];
  const pos = tokens.out(its.pos) as string[];
  const negated = tokens.out(its.negationFlag) as unknown as boolean[];
  const words: TaggedWord[] = [];
  let at = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    // The tagger gives back the words it read, in order: each is found from where the last one ended.
    const found = input.indexOf(value, at);
    if (found < 0) break;
    at = found + value.length;
    words.push({
      start: offset + found,
      end: offset + at,
      lower: text.slice(found, at).toLowerCase(),
      pos: pos[i]!,
      negated: negated[i] === true,
    });
  }
  return words;
}

function isTitleCase(text: string): boolean {
  // Title Case needs two capitals at least; most sentences have one and skip the word walk.
  if (!hasTwoCapitals(text)) return false;
  // Words of more than three characters that start with a letter, and how many of them are titled: one walk,
  // and only a word that starts with a capital is cut out of the text to be tested.
  let words = 0;
  let titled = 0;
  const length = text.length;
  let i = 0;
  while (i < length) {
    while (i < length && isSpace(text.charCodeAt(i))) i++;
    const start = i;
    while (i < length && !isSpace(text.charCodeAt(i))) i++;
    if (i - start <= 3) continue;
    const first = text.charCodeAt(start);
    const upper = first >= 65 && first <= 90;
    if (
      !upper &&
      !(first >= 97 && first <= 122) &&
      !(first > 127 && LETTER.test(text.slice(start, start + 2)))
    )
      continue;
    words++;
    if ((upper || first > 127) && TITLE_WORD.test(text.slice(start, i))) titled++;
  }
  return words >= 2 && titled / words >= 0.6;
}

const LETTER = /^\p{L}/u;
const CAPITAL = /^\p{Lu}/u;

/** Stops at the second capital: a character walk, where a pattern would try every capital as a start. */
function hasTwoCapitals(text: string): boolean {
  let capitals = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const capital =
      code < 128
        ? code >= 65 && code <= 90
        : CAPITAL.test(text.slice(i, code >= 0xd800 && code <= 0xdbff ? i + 2 : i + 1));
    if (capital && ++capitals === 2) return true;
  }
  return false;
}

/** JavaScript's `\s`, without a regular expression per character. */
function isSpace(code: number): boolean {
  if (code < 128) return code === 32 || (code >= 9 && code <= 13);
  return (
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

/** Lower case where that keeps every character's length (so offsets stay valid). */
function lowerSameLength(text: string): string {
  const lower = text.toLowerCase();
  return lower.length === text.length ? lower : text;
}
