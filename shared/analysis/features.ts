import type { FoundCitation } from './citations.js';
import type { PhraseMatch } from './lexicon.js';
import { screenedTest } from './patterns.js';
import { tagSentences, type TaggedWord } from './nlp.js';
import type { Sentence } from './sentences.js';
import { tokensOf, type Token } from './tokens.js';
import type { Genre } from './genre.js';
import type { ExtraFeatures } from './model.js';
import type { Tag, Vocabulary } from './vocabulary.js';

/** How a sentence puts what it says (one of them, the strongest that applies). */
export type Assertion = 'asserted' | 'negated' | 'hedged' | 'question' | 'reported' | 'hypothetical';

/** What one sentence holds, found once and read by the features, the rules and the explanations. */
const CLAUSE_BREAK = /[,;:]/u;

export class SentenceCues {
  readonly tokens: Token[];
  private readonly byTag = new Map<Tag, PhraseMatch<Tag>[]>();
  /** Part-of-speech tags; only sentences with a claim cue are tagged. */
  words: readonly TaggedWord[] = NOT_TAGGED;
  /**
   * For each token, the index of the tagged word it starts in (-1 for none): built once, read often. A plain
   * array, as a typed array per sentence costs a buffer of its own.
   */
  private wordAt: readonly number[] = NOT_TAGGED;

  constructor(
    readonly sentence: Sentence,
    vocabulary: Vocabulary,
  ) {
    this.tokens = tokensOf(sentence);
    for (const match of vocabulary.lexicon.match(this.tokens)) {
      // "Good bacteria", "healthy gut flora": microbes a product is said to feed are not a disease.
      if (match.tag === 'pathogen' && FRIENDLY.has(this.tokens[match.first - 1]?.norm ?? '')) continue;
      // "The National Cancer Institute", "the Arthritis Foundation": a body's name, not a condition spoken of.
      if (CONDITION_TAGS.includes(match.tag) && this.inOrganisationName(match)) continue;
      this.add(match);
    }
    // A word shaped like a disease name ("-itis", "-osis") is one, listed or not: new names work as listed ones.
    const diseases = this.byTag.get('disease') ?? [];
    this.tokens.forEach((token, index) => {
      if (token.norm.length < MIN_SUFFIX_WORD) return;
      if (!vocabulary.diseaseSuffixes.some((suffix) => token.norm.endsWith(suffix))) return;
      if (diseases.some((match) => match.first <= index && match.last >= index)) return;
      if (this.inOrganisationName({ first: index, last: index })) return;
      this.add({ tag: 'disease', phrase: token.norm, first: index, last: index });
    });
  }

  /**
   * Whether a match stands in an organisation's capitalised name: its words capitalised, and a word that heads
   * such names after it ("Cancer Institute", "Crohn's and Colitis Foundation") or before it ("Centers for
   * Disease Control"), only capitalised words and "and", "of", "for", "on" between.
   */
  private inOrganisationName(match: { first: number; last: number }): boolean {
    for (let index = match.first; index <= match.last; index++) if (!this.capitalised(index)) return false;
    return this.headsName(match.last + 1, 1) || this.headsName(match.first - 1, -1);
  }

  /** Whether, walking from `from` by `step`, a capitalised organisation head comes before any other word. */
  private headsName(from: number, step: 1 | -1): boolean {
    for (let index = from, taken = 0; taken < ORGANISATION_NAME_REACH; index += step, taken++) {
      const token = this.tokens[index];
      if (!token) return false;
      if (!this.capitalised(index)) {
        if (NAME_JOINERS.has(token.norm)) continue;
        return false;
      }
      if (ORGANISATION_HEADS.has(token.norm)) return true;
    }
    return false;
  }

  private capitalised(tokenIndex: number): boolean {
    const code = this.sentence.text.charCodeAt(this.tokens[tokenIndex]!.start - this.sentence.start);
    return code >= 65 && code <= 90;
  }

  /** Takes the tagger's words and aligns them with the tokens (both in text order: one walk). */
  setWords(words: readonly TaggedWord[]): void {
    this.words = words;
    const wordAt = new Array<number>(this.tokens.length).fill(-1);
    let w = 0;
    this.tokens.forEach((token, index) => {
      while (w < words.length && words[w]!.end <= token.start) w++;
      if (w < words.length && words[w]!.start <= token.start) wordAt[index] = w;
    });
    this.wordAt = wordAt;
  }

  /** The tagged word a token starts in. */
  wordOf(tokenIndex: number): TaggedWord | undefined {
    const at = this.wordAt[tokenIndex] ?? -1;
    return at >= 0 ? this.words[at] : undefined;
  }

  private add(match: PhraseMatch<Tag>): void {
    const list = this.byTag.get(match.tag);
    if (list) list.push(match);
    else this.byTag.set(match.tag, [match]);
  }

  all(tag: Tag): readonly PhraseMatch<Tag>[] {
    return this.byTag.get(tag) ?? NO_MATCHES;
  }

  has(tag: Tag): boolean {
    return this.byTag.has(tag);
  }

  first(tag: Tag): string | undefined {
    const match = this.byTag.get(tag)?.[0];
    return match ? this.phrase(match) : undefined;
  }

  phrase(match: { first: number; last: number }): string {
    const from = this.tokens[match.first]!.start - this.sentence.start;
    const to = this.tokens[match.last]!.end - this.sentence.start;
    return this.sentence.text.slice(from, to);
  }

  /** Whether the tagger put the word at an analysis offset in a negation's scope. */
  negatedAt(offset: number): boolean {
    return this.words.some((word) => word.start <= offset && offset < word.end && word.negated);
  }

  /** Whether a negation governs the match, by the tagger's scope or as the next verb of a negated list. */
  negated(match: { first: number }): boolean {
    if (this.taggedNegated(match)) return true;
    // The tagger's scope ends at a comma, but a list of verbs goes on: in "not intended to treat, prevent or
    // cure", "prevent" and "cure" are as negated as "treat".
    const previous = this.listedBefore(match);
    return previous !== undefined && this.taggedNegated(previous);
  }

  /**
   * Whether a negation that opens before the match governs it. The tagger's scope runs on from the negator
   * without a gap, so it covers the match's first word; a scope that opens inside the match is the cue's own
   * wording ("no side effects", "without medication"), not a denial of it.
   */
  private taggedNegated(match: { first: number }): boolean {
    return this.wordOf(match.first)?.negated === true;
  }

  /**
   * Whether `match` stands in the clause `opener` begins: after it, before the next comma, semicolon or colon.
   * "If you take a statin, it lowers ..." makes only the condition hypothetical, not the claim after it.
   */
  inClauseOf(opener: { last: number }, match: { first: number }): boolean {
    if (match.first <= opener.last) return false;
    const between = this.sentence.text.slice(
      this.tokens[opener.last]!.end - this.sentence.start,
      this.tokens[match.first]!.start - this.sentence.start,
    );
    return !CLAUSE_BREAK.test(between);
  }

  /** The verb cue this one follows in a list ("treat, prevent or cure"), if only commas and "or"/"and" part them. */
  private listedBefore(match: { first: number }): PhraseMatch<Tag> | undefined {
    let nearest: PhraseMatch<Tag> | undefined;
    for (const tag of LISTED_VERB_TAGS)
      for (const other of this.all(tag))
        if (other.last < match.first && (!nearest || other.last > nearest.last)) nearest = other;
    if (!nearest) return undefined;
    const between = this.sentence.text.slice(
      this.tokens[nearest.last]!.end - this.sentence.start,
      this.tokens[match.first]!.start - this.sentence.start,
    );
    return LIST_JOINER.test(between) ? nearest : undefined;
  }

  /** The first match of a tag that no negation governs. */
  asserted(tag: Tag): PhraseMatch<Tag> | undefined {
    return this.all(tag).find((match) => !this.negated(match));
  }

  /**
   * The first unnegated match of a verb cue that is used as a verb: a one-word cue must be tagged a verb
   * ("Benefits of ..." is a noun) unless it opens the sentence, where fragments drop their subject.
   */
  assertedVerb(tag: Tag): PhraseMatch<Tag> | undefined {
    return this.all(tag).find((match) => {
      if (this.negated(match)) return false;
      if (match.first !== match.last || match.first === 0) return true;
      const at = this.wordAt[match.first] ?? -1;
      if (at <= 0 || this.words[at]!.pos !== 'NOUN') return true;
      // "the benefits", "5 benefits", "its effects": a noun where a verb cue would be.
      return !NOUN_MAKERS.has(this.words[at - 1]!.pos);
    });
  }
}

/** Feature names built once: a name built per sentence is hashed again at every lookup. */
const ASSERTION_FEATURES: Record<Assertion, string> = {
  asserted: 'assertion:asserted',
  negated: 'assertion:negated',
  hedged: 'assertion:hedged',
  question: 'assertion:question',
  reported: 'assertion:reported',
  hypothetical: 'assertion:hypothetical',
};
/** The words of every sentence not tagged (without a claim cue): one empty list for all of them. */
const NOT_TAGGED: readonly never[] = [];
/** One empty list for every tag a sentence lacks (most tags, most sentences), rather than one per question. */
const NO_MATCHES: readonly PhraseMatch<Tag>[] = [];
/** Shorter words that end like a disease name mostly are not one ("gnosis"). */
const MIN_SUFFIX_WORD = 7;
const FRIENDLY: ReadonlySet<string> = new Set([
  'good',
  'healthy',
  'beneficial',
  'friendly',
  'gut',
  'probiotic',
]);
/** Words that end an organisation's name; a condition named before them is part of the name. */
const ORGANISATION_HEADS: ReadonlySet<string> = new Set(
  [
    'institute',
    'association',
    'society',
    'foundation',
    'center',
    'centre',
    'council',
    'alliance',
    'coalition',
    'federation',
    'hospital',
    'clinic',
    'charity',
    'consortium',
  ].flatMap((head) => [head, head.endsWith('y') ? `${head.slice(0, -1)}ies` : `${head}s`]),
);
/** Words between the condition and the head: "Cancer Research Institute", "Centers for Disease Control". */
const ORGANISATION_NAME_REACH = 5;
const NAME_JOINERS: ReadonlySet<string> = new Set(['and', 'of', 'for', 'on']);
const NOUN_MAKERS: ReadonlySet<string> = new Set(['DET', 'NUM', 'ADJ', 'PRON']);

const LISTED_VERB_TAGS: readonly Tag[] = ['treatVerb', 'cureVerb', 'effect', 'mechanismVerb', 'interaction'];
const LIST_JOINER = /^(?:\s*,\s*(?:(?:or|and|nor)\s+)?|\s+(?:or|and|nor)\s+)$/u;

/** Tags whose presence makes a sentence worth tagging and scoring at all. */
const CANDIDATE_TAGS: readonly Tag[] = [
  'disease',
  'symptom',
  'drug',
  'pathogen',
  'cureNoun',
  'treatVerb',
  'diseasePhrase',
  'effect',
  'mechanismVerb',
  'establishment',
  'studyNoun',
  'safety',
  'testimonial',
  'dosageWord',
  'imperative',
  'outcome',
  'researchSubject',
  'interaction',
];

const DIGIT = /\d/u;
const PERCENT = /\d\s?(?:%|percent\b|per\s?cent\b)/iu;
const DISCOUNT = /\b(?:save|discount|coupon)\b|%\s*off\b/iu;
/** A change by an amount: "lowered blood pressure by 10 points", "lost 12 pounds". */
const saysByAmount = screenedTest(
  /\bby\s+(?:an\s+average\s+of\s+|about\s+|around\s+|nearly\s+|almost\s+|up\s+to\s+|over\s+|more\s+than\s+)?\d{1,6}(?:[.,]\d+)?\s?(?:points?|mmhg|kg|kilos?|pounds?|lbs?|cm|inches|hours?|minutes?|mg\/dl)\b/iu,
);
const saysMultiple = screenedTest(
  /\b\d+(?:\.\d+)?\s?(?:x\b|-?fold\b|times\s+(?:more|less|higher|lower|better|faster|greater|as)\b)|\b(?:twice|three\s+times|four\s+times|ten\s+times)\s+(?:as|more|better|faster)\b/iu,
);
const saysDuration = screenedTest(
  /\b(?:in|within|after|over|for)\s+(?:just\s+|only\s+|as\s+little\s+as\s+)?(?:\d{1,3}|one|two|three|four|five|six|seven|eight|ten|twelve)\s+(?:days?|weeks?|months?|hours?|minutes?)\b|\bwithin\s+days\b|\bovernight\b/iu,
);
const AMOUNT =
  /(?<![\p{L}\p{N}.])(?:\d{1,6}(?:[.,]\d+)?|(?:one|two|three|four|five|half\s+a|a)\s)\s?(?:mg|milligrams?|mcg|µg|μg|micrograms?|g|grams?|iu|ml|capsules?|tablets?|drops|softgels?|gumm(?:y|ies)|scoops?|sprays?|servings?|teaspoons?|tablespoons?|cups?)(?![\p{L}])/iu;
const saysFrequency = screenedTest(
  /\b(?:daily|a\s+day|per\s+day|each\s+day|every\s+day|twice|times\s+a\s+(?:day|week)|at\s+bedtime|before\s+bed|with\s+meals?)\b/iu,
);
const QUESTION_END = /\?["”’)]*$/u;
const OPENING_QUESTION = /^(?:can|could|does|do|is|are|will|should|would|how|what|why|which)\b/iu;
const EXCLAMATION = /!/u;

/** The cues of every sentence; the tagger runs only on sentences with a claim cue. */
export function findCues(sentences: readonly Sentence[], vocabulary: Vocabulary): SentenceCues[] {
  const cues = sentences.map((sentence) => new SentenceCues(sentence, vocabulary));
  // Candidates are tagged MAX_RUN at a time (fewer, longer calls cost less).
  let run: SentenceCues[] = [];
  const tagRun = () => {
    const words = tagSentences(run.map(({ sentence }) => ({ text: sentence.text, start: sentence.start })));
    run.forEach((sentenceCues, index) => sentenceCues.setWords(words[index]!));
    run = [];
  };
  for (const sentenceCues of cues) {
    if (!isCandidate(sentenceCues)) continue;
    run.push(sentenceCues);
    if (run.length === MAX_RUN) tagRun();
  }
  if (run.length > 0) tagRun();
  return cues;
}

/** Sentences tagged in one call at most: the tagger's cost grows with its input, a draft's with its length. */
const MAX_RUN = 20;

export function isCandidate(cues: SentenceCues): boolean {
  return CANDIDATE_TAGS.some((tag) => cues.has(tag)) || mentionsFda(cues.sentence.text);
}

/** A verb in its base form, as an instruction opens ("Take", "Add"), not "Takes", "Added", "Taking". */
const isBaseForm = (verb: string) => !/(?:[^s]s|ed|ing)$/u.test(verb);
const NUMBER_WORDS: ReadonlySet<string> = new Set(
  'one two three four five six seven eight nine ten twelve twice half'.split(' '),
);
const UNITS: ReadonlySet<string> = new Set(
  'mg milligram milligrams mcg µg μg microgram micrograms g gram grams iu ml capsule capsules tablet tablets drops softgel softgels gummy gummies scoop scoops spray sprays serving servings teaspoon teaspoons tablespoon tablespoons cup cups'.split(
    ' ',
  ),
);
export const mentionsFda = (text: string) =>
  text.includes('F') && /\bF\.?D\.?A\b|Food\s+and\s+Drug/u.test(text);

/** "FDA approved", "F.D.A. registered": said of a supplement, a misleading regulatory claim. */
const REGULATORY_CLAIM =
  /\b(?:F\.?D\.?A\.?|Food\s+and\s+Drug\s+Administration)[\s-]+(?:approved|cleared|registered|certified)\b|\b(?:approved|cleared|certified)\s+by\s+(?:the\s+)?(?:F\.?D\.?A\b|Food\s+and\s+Drug\s+Administration)/iu;

/** What a sentence says the FDA did for the product ("FDA approved"), unless it denies it ("not FDA approved"). */
export function regulatoryClaimIn(cues: SentenceCues): string | undefined {
  const { text, start } = cues.sentence;
  if (!mentionsFda(text)) return undefined;
  const match = REGULATORY_CLAIM.exec(text);
  return match && !cues.negatedAt(start + match.index) ? match[0] : undefined;
}

/** Draft-wide facts the claim model reads beside a sentence's own features. */
export interface DraftContext {
  kind: Genre;
  /** Genre probabilities from the genre model. */
  promotional: number;
  reference: number;
  nonHealth: number;
  /** The full FDA statement is in the draft. */
  fdaStatement: boolean;
}

/** The sentence features, by name; 0-valued features are left out. */
export type FeatureVector = Map<string, number>;

export interface SentenceFeatures {
  features: FeatureVector;
  assertion: Assertion;
}

/** A sentence's features: cues, structure (who does what), assertion status, and the draft's genre. */
export function sentenceFeatures(
  cues: SentenceCues,
  neighbours: { previous?: SentenceCues; next?: SentenceCues },
  topics: ReadonlySet<string>,
  vocabulary: Vocabulary,
  citations: readonly FoundCitation[],
): SentenceFeatures {
  const f: FeatureVector = new Map();
  const set = (name: string, value: number | boolean = 1) => {
    const number = typeof value === 'boolean' ? (value ? 1 : 0) : value;
    if (number !== 0) f.set(name, number);
  };
  const { sentence } = cues;
  const text = sentence.text;

  const disease = cues.has('disease');
  const symptom = cues.has('symptom');
  const drug = cues.has('drug');
  const product =
    cues.has('supplement') ||
    cues.has('product') ||
    cues.has('productForm') ||
    cues.tokens.some((token) => topics.has(token.norm));
  const treat = cues.asserted('treatVerb');
  const effect = cues.asserted('effect');
  const anyClaimVerb =
    cues.has('treatVerb') || cues.has('effect') || cues.has('interaction') || cues.has('mechanismVerb');
  const claimVerbAsserted = treat ?? effect ?? cues.asserted('interaction') ?? cues.asserted('mechanismVerb');

  set('disease', disease);
  set('symptom', symptom);
  set('drug', drug);
  set('medication', cues.has('medication'));
  set('supplement', product);
  set('pathogen', cues.has('pathogen'));
  set('cureNoun', cues.has('cureNoun'));
  set('diseasePhrase', cues.asserted('diseasePhrase') !== undefined);
  set('outcome', cues.has('outcome'));
  set('mechanismTarget', cues.has('mechanismTarget'));
  set('vulnerable', cues.has('vulnerable'));
  set('treatVerb', treat !== undefined);
  set('effectVerb', effect !== undefined);
  set('interaction', cues.assertedVerb('interaction') !== undefined);
  set('mechanismVerb', cues.assertedVerb('mechanismVerb') !== undefined);
  set('treatVerb×disease', treat !== undefined && (disease || symptom || cues.has('pathogen')));
  set('effectVerb×disease', effect !== undefined && (disease || symptom));
  set('claimVerb×drug', claimVerbAsserted !== undefined && drug);
  set('claimVerb×product', claimVerbAsserted !== undefined && product);
  set('disease×product', (disease || symptom) && product);
  set('drug×product', drug && product);
  set('establishment', cues.has('establishment'));
  set('studyNoun', cues.has('studyNoun'));
  set('researchSubject', cues.has('researchSubject'));
  set('safety', cues.has('safety') && !cues.has('caveat'));
  set('caveat', cues.has('caveat'));
  set('harm', cues.has('harm'));
  set('consult', cues.has('consult'));
  set('testimonial', cues.has('testimonial'));
  set('promotional', cues.has('promotional'));
  set('commerce', cues.has('commerce'));
  set('recommendation', cues.has('recommendation'));
  set('authorised', cues.has('authorised'));
  const hasDigit = DIGIT.test(text);
  // A price cut ("save 20%", "20% off") is not an effect.
  set('percent', hasDigit && (PERCENT.test(text) || saysByAmount(text)) && !DISCOUNT.test(text));
  set('multiple', hasDigit && saysMultiple(text));
  // The figure patterns need a number, in digits or words: most sentences have none and skip them.
  const counted = hasDigit || cues.tokens.some((token) => NUMBER_WORDS.has(token.norm));
  set(
    'duration',
    (counted || text.includes('overnight') || text.includes('within days')) && saysDuration(text),
  );
  const amount = (hasDigit || cues.tokens.some((token) => UNITS.has(token.norm))) && AMOUNT.test(text);
  set('amount', amount);
  set('frequency', saysFrequency(text));
  const citing = citations.length > 0;
  set('citation', citing);
  set('regulatoryClaim', regulatoryClaimIn(cues) !== undefined);
  set(
    'unsupportedCitation',
    citations.some((citation) => citation.matchedReference === null),
  );

  // Structure: where the sentence's verb is and what stands before it.
  const words = cues.words;
  const firstWord = words.find((word) => word.pos !== 'PUNCT' && word.pos !== 'SYM');
  const firstVerbIndex = words.findIndex((word) => word.pos === 'VERB' || word.pos === 'AUX');
  const opener = cues.tokens[0];
  const opensWithCue = (tag: Tag) => cues.all(tag).some((match) => match.first === 0);
  const imperative =
    firstWord !== undefined &&
    ((firstWord.pos === 'VERB' && isBaseForm(firstWord.lower)) || opensWithCue('imperative')) &&
    !/s$/u.test(firstWord.lower);
  const fragment =
    !imperative &&
    opener !== undefined &&
    (opensWithCue('treatVerb') ||
      opensWithCue('effect') ||
      opensWithCue('mechanismVerb') ||
      opensWithCue('interaction'));
  set('imperative', imperative);
  set('imperative×amount', imperative && amount);
  set('fragmentClaim', fragment);
  set('fragment×disease', fragment && (disease || symptom || cues.has('pathogen')));
  const subjectWords = firstVerbIndex > 0 ? words.slice(0, firstVerbIndex) : [];
  const subjectHas = (words: ReadonlySet<string>) => subjectWords.some((word) => words.has(word.lower));
  set('subjectPronoun', subjectHas(PRODUCT_PRONOUNS));
  set('subjectYou', subjectHas(SECOND_PERSON));
  set(
    'firstPerson',
    words.some((word) => FIRST_PERSON.has(word.lower)),
  );
  set(
    'weOur',
    words.some((word) => WE.has(word.lower)),
  );
  set(
    'subjectResearch',
    subjectWords.some((word) =>
      cues.all('researchSubject').some((match) => cues.tokens[match.first]!.start === word.start),
    ) || cues.all('studyNoun').some((match) => match.first <= 3),
  );
  set('heading', sentence.blockKind === 'heading');
  set('listItem', sentence.blockKind === 'listItem');
  set('short', cues.tokens.length <= 6);
  set('exclamation', EXCLAMATION.test(text));

  const clauses = clauseFacts(cues, topics);
  set('clauseTreatsCondition', clauses.treatsCondition);
  set('clauseActsOnBody', clauses.actsOnBody);
  set('clauseActsWithDrug', clauses.actsWithDrug);
  set('clauseProductActs', clauses.productActs);
  set('conditionIsSubject', clauses.conditionIsSubject);
  set('clauseCuresCondition', clauses.curesCondition);
  set('productCures', clauses.productCures);
  set('productIsDrugClass', clauses.productIsDrugClass);

  const assertion = assertionOf(cues, text, anyClaimVerb, claimVerbAsserted, clauses.productIsDrugClass);
  set(ASSERTION_FEATURES[assertion]);
  // A sentence that claims nothing: no claim verb or noun, no proof, safety or dosage words.
  set(
    'noClaimWords',
    claimVerbAsserted === undefined &&
      !CLAIM_WORD_TAGS.some((tag) => cues.has(tag)) &&
      !imperative &&
      !fragment,
  );

  // Context: neighbouring sentences and the draft.
  set('previousDrug', neighbours.previous?.has('drug') ?? false);
  set('previousDisease', neighbours.previous?.has('disease') ?? false);
  return { features: f, assertion };
}

/**
 * The sentence's features read in the draft's context: each of a few signals (the sentence itself, a hedge,
 * reported speech, a condition, talk of studies, a figure) scaled by how likely each genre is, so the model
 * learns that "may ease depression" is a claim on a sales page and a summary in a fact sheet.
 */
export function inContext(features: FeatureVector, context: DraftContext): FeatureVector {
  const f: FeatureVector = new Map(features);
  for (const group of contextGroups(features, draftTerms(context)))
    for (const [name, value] of group) f.set(name, value);
  return f;
}

/** The genre-scaled features of one draft, by signal: the same for each of its sentences. */
export type DraftTerms = Record<ContextSignal, ExtraFeatures[number]>;

export function draftTerms(context: DraftContext): DraftTerms {
  const terms = {} as Record<ContextSignal, Array<readonly [string, number]>>;
  for (const signal of CONTEXT_SIGNALS) {
    const names = IN_CONTEXT[signal];
    terms[signal] = [];
    if (context.promotional !== 0) terms[signal].push([names.promotional, context.promotional]);
    if (context.reference !== 0) terms[signal].push([names.reference, context.reference]);
    if (context.nonHealth !== 0) terms[signal].push([names.nonHealth, context.nonHealth]);
  }
  return terms;
}

/**
 * The genre-scaled features a sentence adds to its own, in a fixed order: a model reads them after the
 * sentence's features (the same sums as over `inContext`, without a copy of the features per sentence).
 */
export function contextGroups(features: FeatureVector, terms: DraftTerms): Array<ExtraFeatures[number]> {
  const groups = [terms.bias];
  if (features.has('assertion:hedged')) groups.push(terms.hedged);
  if (features.has('assertion:reported')) groups.push(terms.reported);
  if (features.has('disease') || features.has('symptom')) groups.push(terms.disease);
  if (features.has('establishment') || features.has('studyNoun')) groups.push(terms.establishment);
  if (features.has('percent') || features.has('multiple') || features.has('duration'))
    groups.push(terms.number);
  return groups;
}

type ContextNames = Record<'promotional' | 'reference' | 'nonHealth', string>;
const CONTEXT_SIGNALS = ['bias', 'hedged', 'reported', 'disease', 'establishment', 'number'] as const;
type ContextSignal = (typeof CONTEXT_SIGNALS)[number];
/** The names of the genre-scaled features, built once (a name built per sentence is hashed per lookup). */
const IN_CONTEXT = Object.fromEntries(
  CONTEXT_SIGNALS.map((name) => [
    name,
    { promotional: `${name}×promotional`, reference: `${name}×reference`, nonHealth: `${name}×nonHealth` },
  ]),
) as Record<ContextSignal, ContextNames>;

/** Claim verbs and words of cure: what a clause claims. */
const PREDICATE_TAGS: readonly Tag[] = [
  'treatVerb',
  'effect',
  'mechanismVerb',
  'interaction',
  'cureVerb',
  'cureNoun',
  'diseasePhrase',
];
const CONDITION_TAGS: readonly Tag[] = ['disease', 'symptom', 'pathogen'];
const PRODUCT_TAGS: readonly Tag[] = ['supplement', 'product', 'productForm'];
/** Kinds of cue a clause holds, one bit each. */
const CONDITION = 1;
const BODY = 2;
const DRUG = 4;
const PRODUCT = 8;
const PREDICATE = 16;
const CURE = 32;
/** The cues each clause is read for, besides its predicates, and their kinds. */
const CLAUSE_KINDS: ReadonlyArray<readonly [readonly Tag[], number]> = [
  [CONDITION_TAGS, CONDITION],
  [['outcome', 'mechanismTarget'], BODY],
  [['drug'], DRUG],
  [PRODUCT_TAGS, PRODUCT],
];

/** What one clause holds. */
interface ClauseCues {
  kinds: number;
  /** Token index of the clause's first unnegated claim verb or cure word. */
  firstPredicate: number;
  firstProduct: number;
}

const CLAUSE_LINKS: ReadonlySet<string> = new Set([
  'but',
  'while',
  'whereas',
  'although',
  'though',
  'because',
]);

interface ClauseFacts {
  /** In one clause, an unnegated claim verb or cure word and a condition: "X relieves arthritis pain". */
  treatsCondition: boolean;
  /** A claim verb and a body function or marker: "supports immune health". */
  actsOnBody: boolean;
  /** A claim verb and a drug: "works like an antibiotic", "enhances SSRIs". */
  actsWithDrug: boolean;
  /** A product, or "it", before the claim verb of its clause: the product is what acts. */
  productActs: boolean;
  /** A condition before the first verb, and no product: a fact about the condition ("Diabetes is ..."). */
  conditionIsSubject: boolean;
  /** An unnegated verb of treatment proper (cure, treat, prevent) and a condition in one clause. */
  curesCondition: boolean;
  /** A product named before such a verb: "turmeric cured my depression", "... but it shrinks tumours". */
  productCures: boolean;
  /** A drug class said of the product: "a natural antiviral", "nature's antibiotic". */
  productIsDrugClass: boolean;
}

/** What each clause of the sentence says: clauses end at punctuation and at "but", "while", "because". */
function clauseFacts(cues: SentenceCues, topics: ReadonlySet<string>): ClauseFacts {
  const facts: ClauseFacts = {
    treatsCondition: false,
    actsOnBody: false,
    actsWithDrug: false,
    productActs: false,
    conditionIsSubject: false,
    curesCondition: false,
    productCures: false,
    productIsDrugClass: false,
  };
  const words = cues.words;
  if (words.length === 0) return facts;
  // Clause number of every token, from the tagged words' punctuation and linking words.
  const breaks: number[] = [];
  words.forEach((word) => {
    if ((word.pos === 'PUNCT' && word.lower !== "'" && word.lower !== '"') || CLAUSE_LINKS.has(word.lower))
      breaks.push(word.start);
  });
  const clauseOf = (tokenIndex: number) => {
    const start = cues.tokens[tokenIndex]!.start;
    let clause = 0;
    while (clause < breaks.length && breaks[clause]! < start) clause++;
    return clause;
  };
  // What each clause holds, by kind of cue; a claim verb or cure word counts only where no negation governs it.
  const clauses: Array<ClauseCues | undefined> = [];
  const clauseAt = (tokenIndex: number) =>
    (clauses[clauseOf(tokenIndex)] ??= { kinds: 0, firstPredicate: Infinity, firstProduct: Infinity });
  for (const [tags, kind] of CLAUSE_KINDS)
    for (const tag of tags)
      for (const match of cues.all(tag)) {
        const clause = clauseAt(match.first);
        clause.kinds |= kind;
        if (kind === PRODUCT) clause.firstProduct = Math.min(clause.firstProduct, match.first);
      }
  // Each unnegated claim verb or cure word marks its clause; verbs of cure are kept, with their clause, for the
  // test of who cures.
  const cures: Array<{ first: number; clause: ClauseCues }> = [];
  for (const tag of PREDICATE_TAGS)
    for (const match of cues.all(tag)) {
      if (cues.negated(match)) continue;
      const clause = clauseAt(match.first);
      clause.kinds |= PREDICATE;
      clause.firstPredicate = Math.min(clause.firstPredicate, match.first);
      if (tag === 'cureVerb') {
        clause.kinds |= CURE;
        cures.push({ first: match.first, clause });
      }
    }
  // The first word naming the draft's own product ("FlexiJoint"), which acts when it comes before a claim verb.
  const topicAt = cues.tokens.findIndex((token) => topics.has(token.norm));
  const firstTopic = topicAt < 0 ? Infinity : topicAt;
  const firstVerb = words.find((word) => word.pos === 'VERB' || word.pos === 'AUX');
  for (const clause of clauses) {
    if (clause === undefined || (clause.kinds & PREDICATE) === 0) continue;
    const has = (kind: number) => (clause.kinds & kind) !== 0;
    facts.treatsCondition ||= has(CONDITION);
    facts.curesCondition ||= has(CONDITION) && has(CURE);
    facts.actsOnBody ||= has(BODY);
    facts.actsWithDrug ||= has(DRUG);
    // The product acts when it, or its name, comes before the claim verb.
    facts.productActs ||= Math.min(clause.firstProduct, firstTopic) < clause.firstPredicate;
  }
  // The product cures when it, its name, or "it" just before comes before a verb of cure.
  facts.productCures = cures.some(
    ({ first, clause }) =>
      Math.min(clause.firstProduct, firstTopic) < first ||
      PRODUCT_PRONOUNS.has(cues.tokens[first - 1]?.norm ?? '') ||
      (first >= 2 && PRODUCT_PRONOUNS.has(cues.tokens[first - 2]!.norm)),
  );
  // A word that is both a treatment noun and a drug class ("antiviral") names what the product is.
  facts.productIsDrugClass = cues
    .all('cureNoun')
    .some(
      (noun) =>
        !cues.negated(noun) &&
        cues.all('drug').some((drug) => drug.first <= noun.first && drug.last >= noun.last),
    );
  if (firstVerb) {
    const beforeVerb = (tags: readonly Tag[]) =>
      tags.some((tag) => cues.all(tag).some((match) => cues.tokens[match.first]!.start < firstVerb.start));
    facts.conditionIsSubject = beforeVerb(CONDITION_TAGS) && !beforeVerb(PRODUCT_TAGS);
  }
  facts.productActs ||=
    words.slice(0, 4).some((word) => PRODUCT_PRONOUNS.has(word.lower)) &&
    (facts.treatsCondition || facts.actsOnBody);
  return facts;
}

const CLAIM_WORD_TAGS: readonly Tag[] = [
  'cureNoun',
  'diseasePhrase',
  'establishment',
  'safety',
  'testimonial',
  'dosageWord',
];
const PRODUCT_PRONOUNS: ReadonlySet<string> = new Set(['it', 'this', 'these', 'they', 'our']);
const SECOND_PERSON: ReadonlySet<string> = new Set(['you', 'your']);
const FIRST_PERSON: ReadonlySet<string> = new Set(['i', 'my', 'me', "i'm", "i've"]);
const WE: ReadonlySet<string> = new Set(['we', 'our', 'us']);

function assertionOf(
  cues: SentenceCues,
  text: string,
  anyClaimVerb: boolean,
  claimVerb: PhraseMatch<Tag> | undefined,
  productIsDrugClass: boolean,
): Assertion {
  // A product called a drug ("a natural antibiotic") claims as a verb does: a negation elsewhere in the
  // sentence ("without the side effects of drugs") does not take that back.
  const claimAsserted = claimVerb !== undefined || productIsDrugClass;
  if (QUESTION_END.test(text) || (OPENING_QUESTION.test(text) && text.includes('?'))) return 'question';
  // "No side effects", "non-toxic", "without risk": there the negation is the safety claim itself.
  if (!cues.has('safety')) {
    if (anyClaimVerb && !claimAsserted) return 'negated';
    if (cues.all('negator').some((match) => cues.negated(match)) && !claimAsserted) return 'negated';
  }
  if (cues.has('reported') || cues.has('traditional')) return 'reported';
  if (cues.all('hypothetical').some((cue) => claimVerb === undefined || cues.inClauseOf(cue, claimVerb)))
    return 'hypothetical';
  if (cues.has('hedge')) return 'hedged';
  return 'asserted';
}
