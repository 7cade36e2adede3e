// A lexicon term is written the way the engine's tokenizer (shared/analysis/tokens.ts) reads text: lower case,
// curly apostrophes made straight, an apostrophe kept only between two word characters, and every other run of
// characters that are not letters, digits or marks turned into one space. Matching a term is then comparing
// token sequences, with no second normalisation at match time.
const CURLY_APOSTROPHE = /’/g;
const LONE_APOSTROPHE = /'(?![\p{L}\p{N}\p{M}])|(?<![\p{L}\p{N}\p{M}])'/gu;
const NOT_WORD = /[^\p{L}\p{N}\p{M}']+/gu;

/** "Alzheimer’s disease" -> "alzheimer's disease"; "non-Hodgkin lymphoma" -> "non hodgkin lymphoma". */
export function normaliseTerm(text: string): string {
  return text
    .toLowerCase()
    .replace(CURLY_APOSTROPHE, "'")
    .replace(LONE_APOSTROPHE, ' ')
    .replace(NOT_WORD, ' ')
    .trim();
}
