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

/** A sentence to tag: its text and where it starts in the analysis text. */
export interface TagPiece {
  text: string;
  start: number;
}

/**
 * Between two sentences tagged in one call: a space after a sentence's own full stop, and otherwise (a heading
 * has none) a full stop on a line of its own, which reads as a sentence end and ends the tagger's negation scope.
 */
const AFTER_STOP = ' ';
const AFTER_NO_STOP = '\n.\n';
const CLOSERS = new Set(['"', "'", '”', '’', ')', ']']);
const STOPS = new Set(['.', '!', '?']);

/** Ends with a full stop, a question or an exclamation mark, before any closing quotes and brackets. */
function endsWithStop(text: string): boolean {
  let end = text.length - 1;
  while (end >= 0 && CLOSERS.has(text[end]!)) end--;
  return end >= 0 && STOPS.has(text[end]!);
}

/**
 * Tags sentences in one call to the tagger (one call costs less than several), the words of each in its own
 * list, in analysis offsets. Title Case and ALL CAPS sentences ("Reduces Cancer Risk") are tagged in lower
 * case, where the tagger reads verbs and nouns rather than a run of proper names.
 */
export function tagSentences(pieces: readonly TagPiece[]): TaggedWord[][] {
  const engine = tagger();
  const its = engine.its;
  // Where each piece starts in the tagger's input, and where the input's next piece would start.
  const starts: number[] = [];
  // Pieces given to the tagger in lower case: their words' lower case is cut from their own text.
  const lowered: boolean[] = [];
  let input = '';
  for (const [index, { text }] of pieces.entries()) {
    if (index > 0) input += endsWithStop(pieces[index - 1]!.text) ? AFTER_STOP : AFTER_NO_STOP;
    starts.push(input.length);
    const lower = isTitleCase(text) ? lowerSameLength(text) : text;
    lowered.push(lower !== text);
    input += lower;
  }
  const tokens = engine.readDoc(input).tokens();
  const values = tokens.out(its.value) as string[];
  const pos = tokens.out(its.pos) as string[];
  const negated = tokens.out(its.negationFlag) as unknown as boolean[];
  const words: TaggedWord[][] = pieces.map(() => []);
  // The tagger gives back the words it read, in order: each is found from where the last one ended, and
  // belongs to the piece it falls in (the separators' own words to none).
  let piece = 0;
  let at = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    const found = input.indexOf(value, at);
    if (found < 0) break;
    at = found + value.length;
    while (piece < pieces.length && found >= starts[piece]! + pieces[piece]!.text.length) piece++;
    if (piece >= pieces.length) break;
    const pieceStart = starts[piece]!;
    if (found < pieceStart || at > pieceStart + pieces[piece]!.text.length) continue;
    const { text, start } = pieces[piece]!;
    words[piece]!.push({
      start: start + found - pieceStart,
      end: start + at - pieceStart,
      // The tagger's word is the text as given (lower case comes back as is, without a copy).
      lower: lowered[piece]
        ? text.slice(found - pieceStart, at - pieceStart).toLowerCase()
        : value.toLowerCase(),
      pos: pos[i]!,
      negated: negated[i] === true,
    });
  }
  for (const sentence of words) {
    // A scope open at a sentence's first word came from the sentence before ("... stop swine influenza ....").
    for (const word of sentence) {
      if (word.pos === 'PUNCT') continue;
      if (!word.negated) break;
      word.negated = false;
    }
    endScopesAtRelativeClauses(sentence);
    liftNegatedComparatives(sentence);
  }
  return words;
}

const RELATIVE_PRONOUNS: ReadonlySet<string> = new Set(['who', 'that', 'which']);
const NEGATORS: ReadonlySet<string> = new Set(['not', "n't", 'never']);
/** Words after which a verb continues the clause before it ("want to take", "cure X or heal"). */
const CLAUSE_CONTINUERS: ReadonlySet<string> = new Set(['to', 'and', 'or', 'nor']);

/**
 * "Never felt better", "couldn't be happier": a negated comparative with nothing to compare to says the most,
 * not the opposite. "Did not work better than placebo" compares, and stays negated.
 */
function liftNegatedComparatives(words: TaggedWord[]): void {
  for (let i = 0; i + 2 < words.length; i++) {
    if (!NEGATORS.has(words[i]!.lower)) continue;
    const verb = words[i + 1]!;
    if (verb.pos !== 'VERB' && verb.pos !== 'AUX') continue;
    if (!isComparative(words, i + 2) || words[i + 3]?.lower === 'than') continue;
    for (let at = i + 1; at < words.length && words[at]!.negated; at++) words[at]!.negated = false;
  }
}

/**
 * "Better", "happier", "healthier"; another word in "-er" only where the sentence ends after it ("never felt
 * stronger!"), as "does not have other side effects" is no comparison.
 */
function isComparative(words: readonly TaggedWord[], at: number): boolean {
  const { lower, pos } = words[at]!;
  if (pos !== 'ADJ' && pos !== 'ADV') return false;
  if (lower === 'better' || lower.endsWith('ier')) return true;
  const next = words[at + 1];
  return lower.endsWith('er') && (next === undefined || next.pos === 'PUNCT');
}

/**
 * A negation inside a relative clause ("adults who do not eat fish can protect their heart") denies that
 * clause only: the tagger's scope runs on into the main clause, so it is ended at the main clause's verb, the
 * first verb or auxiliary after the relative clause's own verb that does not continue it. One walk.
 */
function endScopesAtRelativeClauses(words: TaggedWord[]): void {
  for (let i = 0; i + 2 < words.length; i++) {
    if (!RELATIVE_PRONOUNS.has(words[i]!.lower) || words[i]!.pos !== 'PRON') continue;
    let negator = i + 1;
    if (words[negator]!.pos === 'AUX') negator++;
    if (negator + 1 >= words.length || !NEGATORS.has(words[negator]!.lower)) continue;
    let at = negator + 1;
    let ownVerb = false;
    for (; at < words.length && words[at]!.negated; at++) {
      const { pos } = words[at]!;
      if (!ownVerb) ownVerb = pos === 'VERB';
      else if ((pos === 'VERB' || pos === 'AUX') && !CLAUSE_CONTINUERS.has(words[at - 1]!.lower)) break;
    }
    for (; at < words.length && words[at]!.negated; at++) words[at]!.negated = false;
    i = at - 1;
  }
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
