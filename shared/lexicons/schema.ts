import * as z from '../zod.js';

// A normalised term (see normalise.ts): lower-case words of letters, digits and marks, an apostrophe only inside a
// word, one space between words. One test per term: validation runs at every cold start over ~24,000 terms.
const WORD = "[\\p{Ll}\\p{Lo}\\p{Lm}\\p{N}\\p{M}]+(?:'[\\p{Ll}\\p{Lo}\\p{Lm}\\p{N}\\p{M}]+)*";
const NORMALISED = new RegExp(`^${WORD}(?: ${WORD})*$`, 'u');

const isTerm = (minLength: number) => (text: string, i: number, list: readonly string[]) =>
  text.length >= minLength && NORMALISED.test(text) && (i === 0 || list[i - 1]! < text);

/**
 * Terms, normalised, sorted by code unit and without repeats (so the file is deterministic), checked in one pass;
 * the error quotes the first term that is wrong.
 */
const termList = (minLength: number) =>
  z.array(z.string()).check(
    z.refine((list) => list.every(isTerm(minLength)), {
      error: (issue) => {
        const list = issue.input as string[];
        const bad = list.find((text, i) => !isTerm(minLength)(text, i, list));
        return `${JSON.stringify(bad)} is not a normalised term of ${minLength}+ characters in sorted order without repeats`;
      },
    }),
  );
// Entity terms have three characters at least; a stoplisted word may be shorter ("ms").
const terms = termList(3);

export const LexiconSource = z.object({
  name: z.string().check(z.minLength(1)),
  repository: z.string().check(z.minLength(1)),
  commit: z.string().check(z.minLength(1)),
  path: z.string().check(z.minLength(1)),
  licence: z.string().check(z.minLength(1)),
  version: z.string().check(z.minLength(1)),
});
export type LexiconSource = z.infer<typeof LexiconSource>;

export const Lexicons = z
  .object({
    /** A hash of the sources and the lists: it changes exactly when the data does. */
    version: z.string().check(z.minLength(1)),
    sources: z.array(LexiconSource).check(z.minLength(1)),
    diseases: terms,
    symptoms: terms,
    drugs: terms,
    drugClasses: terms,
    supplements: terms,
    /** Ambiguous words ("cold", "patch"): in no other list, and never to be read as an entity. */
    stoplist: termList(1),
  })
  .check(
    z.refine(
      (lexicons) => {
        const stopped = new Set(lexicons.stoplist);
        const lists = [
          lexicons.diseases,
          lexicons.symptoms,
          lexicons.drugs,
          lexicons.drugClasses,
          lexicons.supplements,
        ];
        return lists.every((list) => list.every((text) => !stopped.has(text)));
      },
      { message: 'a stoplisted word is in a list' },
    ),
    z.refine(
      (lexicons) => {
        const supplements = new Set(lexicons.supplements);
        return lexicons.drugs.every((text) => !supplements.has(text));
      },
      { message: 'a supplement is also listed as a drug' },
    ),
  );
export type Lexicons = z.infer<typeof Lexicons>;

export class LexiconsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LexiconsError';
  }
}

/** Validates parsed lexicons; the error names the first wrong fields. */
export function parseLexicons(data: unknown, origin: string): Lexicons {
  const parsed = Lexicons.safeParse(data);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 10)
      .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
      .join('; ');
    throw new LexiconsError(`${origin} are not valid claimscan lexicons: ${issues}`);
  }
  return parsed.data;
}
