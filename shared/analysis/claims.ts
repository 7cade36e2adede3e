import type { ClaimCategory, Factor, RiskLevel } from '../contract.js';
import type { Policy } from '../policy/index.js';
import type { FoundCitation } from './citations.js';
import { Lexicon, type PhraseMatch } from './lexicon.js';
import type { Sentence } from './sentences.js';
import { tokensOf, type Token } from './tokens.js';

type Tag =
  | 'disease'
  | 'symptom'
  | 'drug'
  | 'product'
  | 'productForm'
  | 'outcome'
  | 'mechanismTarget'
  | 'vulnerable'
  | 'diseaseVerb'
  | 'diseasePhrase'
  | 'interaction'
  | 'effect'
  | 'mechanismVerb'
  | 'establishment'
  | 'safety'
  | 'caveat'
  | 'hedge'
  | 'negator'
  | 'reported'
  | 'testimonial'
  | 'firstPerson'
  | 'dosageWord'
  | 'recommendation'
  | 'imperative'
  | 'authorised'
  | 'addressing'
  | 'sensitive'
  | 'harm';

export interface AnalysedClaim {
  sentence: Sentence;
  categories: ClaimCategory[];
  riskScore: number;
  riskLevel: RiskLevel;
  factors: Factor[];
  citationIds: string[];
}

/** What a sentence does that the disclaimer rules ask about. */
export interface SentenceSignals {
  recommendsSupplement: boolean;
  givesHealthAdvice: boolean;
  structureFunctionClaim: boolean;
}

export interface ClaimsResult {
  claims: AnalysedClaim[];
  signals: SentenceSignals[];
}

const PERCENT_OR_MULTIPLE =
  /(?<![\p{L}\p{N}.])\d{1,6}(?:[.,]\d+)?\s?(?:%(?!\s*(?:natural|pure|organic|vegan|plant|drug|risk|satisf|money|guarantee|safe))|percent\b|per\s?cent\b|-?fold\b|x\b(?!-)|times\s+(?:more|less|higher|lower|better|faster|greater|as)\b)|\b(?:twice|three\s+times|four\s+times|five\s+times|ten\s+times|half)\s+as\s+(?:fast|much|many|likely|effective|long|quickly|well|strong)\b/giu;
const TIME_FRAME =
  /\b(?:in|within|after|over|for)\s+(?:just\s+|only\s+|as\s+little\s+as\s+)?(?:\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|twelve)\s+(?:days?|weeks?|months?|hours?|minutes?)\b|\bwithin\s+days\b|\bovernight\b/giu;
const BY_AMOUNT =
  /\bby\s+(?:an\s+average\s+of\s+|about\s+|around\s+|nearly\s+|almost\s+|up\s+to\s+|over\s+|more\s+than\s+)?\d{1,6}(?:[.,]\d+)?\s?(?:points?|mmhg|kg|kilos?|pounds?|lbs?|cm|inches|hours?|minutes?|mg\/dl)\b/giu;
const STUDY_WORDS = /\b(?:placebo|participants|subjects|volunteers|patients|trial|study)\b/iu;
const COMPARATIVE =
  /\b(?:placebo|faster|slower|more|less|fewer|higher|lower|longer|shorter|better|larger|smaller|greater)\b/iu;
const NUMBER_WORD = '(?:one|two|three|four|half\\s+a|a\\s+half|a)';
const AMOUNT = new RegExp(
  `(?<![\\p{L}\\p{N}.])(\\d{1,6}(?:[.,]\\d+)?|${NUMBER_WORD})(?:\\s*(?:[-–—]|to)\\s*(\\d{1,6}(?:[.,]\\d+)?))?\\s?(?:\\d{1,4}\\s?(?:mg|g)\\s+)?(mg|milligrams?|mcg|µg|μg|micrograms?|g|grams?|iu|ml|capsules?|tablets?|drops|softgels?|gumm(?:y|ies)|scoops?|sprays?|servings?|teaspoons?|tablespoons?)(?![\\p{L}])`,
  'giu',
);
const DOSE_CHANGE = /\b(?:double|triple|increase|up)\s+(?:the|your)\s+dos(?:e|age)\b/iu;
const MG_PER_UNIT: Record<string, number> = {
  mg: 1,
  milligram: 1,
  mcg: 0.001,
  µg: 0.001,
  μg: 0.001,
  microgram: 0.001,
  g: 1000,
  gram: 1000,
};
const NEGATION_REACH = 6;
const NUMBER_WORDS: ReadonlySet<string> = new Set(
  'one two three four five six seven eight nine ten twelve twice half'.split(' '),
);
const UNITS: ReadonlySet<string> = new Set(
  'capsule capsules tablet tablets drops softgel softgels gummy gummies scoop scoops spray sprays serving servings teaspoon teaspoons tablespoon tablespoons'.split(
    ' ',
  ),
);
const TOPIC_MIN_MENTIONS = 3;
const PRONOUNS: ReadonlySet<string> = new Set(['it', 'its', 'this', 'these', 'they']);
const LABEL = /^[^:.!?]{1,60}:\s+/u;
const DOCTOR_ENDORSEMENT =
  /\bDr\.?\s+[\p{Lu}][\p{L}'’-]+\s+(?:recommends|swears\s+by|prescribes|uses|trusts)\b/u;
const FIRST_PERSON = /(?:^|[\s"“])(?:I|I'm|I’m|I've|I’ve|[Mm]y)\s/u;
const QUESTION_END = /\?["”’)]*$/u;
const CLAUSE_JOIN = /\b(?:and|but|while|whereas)\s/iu;
const CLAUSE_BREAK = /[,;:—]|\bbut\b|\byet\b|\bwhile\b/iu;

/** Compiles the policy's term lists once; `analyse` then runs in time linear in the text. */
export class ClaimAnalyser {
  private readonly lexicon: Lexicon<Tag>;
  private readonly stopwords: Set<string>;

  constructor(private readonly policy: Policy) {
    const { terms, triggers } = policy;
    this.stopwords = new Set(terms.subjectStopwords);
    this.lexicon = new Lexicon<Tag>({
      disease: terms.diseases,
      symptom: terms.symptoms,
      drug: terms.drugs,
      product: terms.products,
      productForm: terms.productForms,
      outcome: terms.healthOutcomes,
      mechanismTarget: terms.mechanismTargets,
      vulnerable: terms.vulnerableGroups,
      diseaseVerb: triggers.diseaseVerbs,
      diseasePhrase: triggers.diseasePhrases,
      interaction: triggers.interactionVerbs,
      effect: triggers.effectVerbs,
      mechanismVerb: triggers.mechanismVerbs,
      establishment: triggers.establishment,
      safety: triggers.safetyAbsolute,
      caveat: triggers.safetyCaveats,
      hedge: triggers.hedges,
      negator: triggers.negators,
      reported: triggers.reportedSpeech,
      testimonial: triggers.testimonial,
      firstPerson: triggers.firstPerson,
      dosageWord: triggers.dosageAdvice,
      recommendation: triggers.recommendation,
      imperative: triggers.imperatives,
      authorised: triggers.authorisedWording,
      addressing: triggers.addressing,
      sensitive: terms.sensitiveOutcomes,
      harm: triggers.harmCues,
    });
  }

  /** Claims and signals of the draft's body sentences. */
  analyse(sentences: readonly Sentence[], citations: readonly FoundCitation[]): ClaimsResult {
    const found = sentences.map((sentence) => {
      const tokens = tokensOf(sentence);
      return new Found(sentence, this.lexicon.match(tokens), tokens);
    });
    // Products the draft names beyond the policy's list: "PureSea fish oil", "GutWell Daily probiotic".
    const draftProducts = new Map<string, number>();
    for (const sentenceFound of found) {
      for (const name of sentenceFound.namesBeforeProductForms(this.stopwords)) {
        draftProducts.set(name, (draftProducts.get(name) ?? 0) + 1);
      }
      for (const name of sentenceFound.words('product'))
        draftProducts.set(name, (draftProducts.get(name) ?? 0) + 1);
    }
    const mainProduct = [...draftProducts.entries()]
      .filter(([name]) => this.policy.upperLimits.some((limit) => name.startsWith(limit.product)))
      .sort((a, b) => b[1] - a[1])[0]?.[0];
    // A capitalised opening word the draft keeps coming back to is what it is about ("Berberine lowers...").
    const openers = found.map((sentenceFound) => sentenceFound.openingWord());
    const mentions = new Map<string, number>(
      openers.filter((word) => word !== undefined).map((word) => [word, 0]),
    );
    for (const sentenceFound of found) {
      for (const token of sentenceFound.tokens) {
        const count = mentions.get(token.norm);
        if (count !== undefined) mentions.set(token.norm, count + 1);
      }
    }
    const topics = new Set(
      [...mentions].filter(([, count]) => count >= TOPIC_MIN_MENTIONS).map(([word]) => word),
    );
    const citationsBySentence = new Map<number, FoundCitation[]>();
    for (const citation of citations) {
      const list = citationsBySentence.get(citation.sentenceIndex) ?? [];
      list.push(citation);
      citationsBySentence.set(citation.sentenceIndex, list);
    }

    const result: ClaimsResult = { claims: [], signals: [] };
    for (const sentenceFound of found) {
      const sentenceCitations = citationsBySentence.get(sentenceFound.sentence.index) ?? [];
      const { claim, signals } = this.analyseSentence(
        sentenceFound,
        sentenceCitations,
        draftProducts,
        mainProduct,
        topics,
      );
      result.signals.push(signals);
      if (claim) result.claims.push(claim);
    }
    return result;
  }

  private analyseSentence(
    found: Found,
    sentenceCitations: readonly FoundCitation[],
    draftProducts: ReadonlyMap<string, number>,
    mainProduct: string | undefined,
    topics: ReadonlySet<string>,
  ): { claim?: AnalysedClaim; signals: SentenceSignals } {
    const { sentence } = found;
    const text = sentence.text;
    // Most sentences hold no trigger at all; they make no claim and send no signal.
    const quiet = !TRIGGER_TAGS.some((tag) => found.has(tag)) && sentenceCitations.length === 0;
    if (quiet && !found.hasNumber() && !text.includes('Dr')) {
      return { signals: NO_SIGNALS };
    }
    const body = found.body;
    const { weights } = this.policy;
    const categories = new Map<ClaimCategory, string>();
    const factors: Factor[] = [];
    const trigger = (category: ClaimCategory, detail: string) => {
      if (!categories.has(category)) categories.set(category, detail);
    };

    const productNamed = found.has('product') || found.tokens.some((token) => draftProducts.has(token.norm));
    const pronounSubject = found.pronounNearStart(body);
    // "- Works better than antibiotics": a product page's feature list speaks of the product.
    const listedFeature = sentence.blockKind === 'listItem' && found.opensWithVerb(body);
    const opening = found.all('imperative').some((match) => {
      const before = text.slice(0, found.startOf(match) - sentence.start).trimEnd();
      return before === '' || before.endsWith(':');
    });
    const firstPerson = found.has('firstPerson') && FIRST_PERSON.test(text);
    // Whom the claim is about: a product, "it", the reader told what to do, the writer, or a headline's topic.
    const subject =
      productNamed ||
      pronounSubject ||
      opening ||
      firstPerson ||
      sentence.blockKind === 'heading' ||
      listedFeature ||
      found.opensWithNamedSubject(body, this.stopwords, topics);
    const disease = found.first('disease');
    const symptom = found.first('symptom');
    const authorised = found.has('authorised');
    const diseaseTerm = disease ?? (authorised ? undefined : symptom);
    const drugTerm = found.first('drug');
    // A warning of harm is the content a reader needs, not a claimed benefit.
    const warning = found.has('harm');
    const effect = warning ? undefined : found.unnegated('effect');

    const diseasePhrase = found.unnegated('diseasePhrase');
    const diseaseVerb = warning ? undefined : found.unnegated('diseaseVerb');
    if (diseasePhrase && subject) trigger('disease_claim', `"${diseasePhrase}"`);
    else if (subject && diseaseVerb && diseaseTerm)
      trigger('disease_claim', `"${diseaseVerb}" with "${diseaseTerm}"`);
    else if (subject && effect && disease && !authorised)
      trigger('disease_claim', `"${effect}" with "${disease}"`);

    const interaction = found.unnegated('interaction');
    if (drugTerm && interaction && subject && !found.isWithin('interaction', 'drug')) {
      trigger('drug_interaction', `"${interaction}" with "${drugTerm}"`);
    } else if (drugTerm && effect && productNamed && !found.has('caveat') && !found.drugIsSubject()) {
      trigger('drug_interaction', `"${effect}" with "${drugTerm}"`);
    }

    const testimonial =
      found.first('testimonial') ?? (text.includes('Dr') ? DOCTOR_ENDORSEMENT.exec(text)?.[0] : undefined);
    if (testimonial && (diseaseTerm || effect || found.has('outcome') || productNamed))
      trigger('testimonial', `"${testimonial}"`);
    else if (firstPerson && (diseaseTerm || effect) && (productNamed || diseaseTerm)) {
      trigger('testimonial', 'a first-person account of an effect');
    }

    const mechanismVerb = found.unnegated('mechanismVerb');
    const mechanismTarget = found.first('mechanismTarget');
    if (mechanismVerb && mechanismTarget && subject)
      trigger('mechanism', `"${mechanismVerb}" ${mechanismTarget}`);

    const safety = found.unnegatedSafety();
    const productList = sentence.blockKind === 'listItem' && draftProducts.size > 0;
    if (safety && (productNamed || opening || productList)) trigger('safety_absolute', `"${safety}"`);

    // Figures need a number: most sentences have none, and skip the number patterns.
    const counted = found.hasNumber();
    const amounts = counted || found.hasUnit() ? [...text.matchAll(AMOUNT)] : [];
    const adviceWord = found.first('dosageWord') ?? (opening ? found.first('imperative') : undefined);
    const doseChange = text.includes('dos') ? DOSE_CHANGE.exec(text)?.[0] : undefined;
    if ((amounts.length > 0 && adviceWord) || doseChange) {
      trigger(
        'dosage_advice',
        amounts[0] ? `"${amounts[0][0]}"${adviceWord ? ` with "${adviceWord}"` : ''}` : `"${doseChange}"`,
      );
    }

    const establishment = found.first('establishment');
    const evidence = establishment !== undefined || sentenceCitations.length > 0;
    const healthContext = () =>
      categories.size > 0 ||
      diseaseTerm !== undefined ||
      (effect !== undefined && subject && (found.has('outcome') || found.has('mechanismTarget')));
    const number =
      (counted
        ? (firstMatch(text, PERCENT_OR_MULTIPLE) ??
          firstMatch(text, BY_AMOUNT) ??
          firstMatch(text, TIME_FRAME))
        : undefined) ??
      (text.includes('overnight') || text.includes('within days') ? firstMatch(text, TIME_FRAME) : undefined);
    const studied =
      productNamed ||
      diseaseTerm !== undefined ||
      found.has('mechanismTarget') ||
      found.has('outcome') ||
      STUDY_WORDS.test(text);
    if (
      number &&
      (healthContext() || (studied && (evidence || COMPARATIVE.test(text) || (effect && subject))))
    ) {
      trigger('quantitative_efficacy', `"${number}"`);
    }
    const asserts = categories.size > 0 || effect !== undefined || sentenceCitations.length > 0;
    if (evidence && healthContext() && asserts) {
      trigger(
        'establishment_claim',
        establishment ? `"${establishment}"` : `cites ${sentenceCitations[0]!.text}`,
      );
    }

    if (
      categories.size === 0 &&
      subject &&
      effect &&
      (found.has('outcome') || found.has('mechanismTarget') || symptom)
    ) {
      trigger(
        'general_health',
        `"${effect}" ${found.first('outcome') ?? found.first('mechanismTarget') ?? symptom}`,
      );
    }

    const vulnerable = found.addressedVulnerableGroup();
    if (vulnerable && (categories.size > 0 || opening)) trigger('vulnerable_group', `"${vulnerable}"`);

    const negated = found.negatedTriggers();
    const efficacy = [...categories.keys()].some(
      (category) => category !== 'establishment_claim' && category !== 'quantitative_efficacy',
    );
    const signals: SentenceSignals = {
      recommendsSupplement:
        (productNamed && (found.has('recommendation') || opening)) ||
        (categories.has('dosage_advice') && draftProducts.size > 0),
      givesHealthAdvice:
        categories.has('dosage_advice') || (opening && (productNamed || found.has('outcome'))),
      structureFunctionClaim: categories.size > 0 && productNamed,
    };
    // A sentence whose every efficacy trigger is negated ("does not prevent colds") claims nothing.
    if (categories.size === 0 || (negated.length > 0 && !efficacy)) return { signals };

    const diseaseOrDrug = categories.has('disease_claim') || categories.has('drug_interaction');
    if (diseaseTerm)
      factors.push({ code: 'disease_term', detail: `names "${diseaseTerm}"`, weight: weights.diseaseTerm });
    if (drugTerm)
      factors.push({
        code: 'drug_term',
        detail: `names the drug or drug class "${drugTerm}"`,
        weight: weights.drugTerm,
      });
    if (number)
      factors.push({ code: 'number', detail: `a specific figure: "${number}"`, weight: weights.number });

    const unsupported = sentenceCitations.filter((citation) => citation.matchedReference === null);
    if (unsupported.length > 0) {
      factors.push({
        code: 'unsupported_citation',
        detail: `cites ${unsupported.map((citation) => `"${citation.text}"`).join(', ')}, not in the draft's references`,
        weight: weights.unsupportedCitation,
      });
    } else if (sentenceCitations.length > 0) {
      factors.push({
        code: 'supported_citation',
        detail: 'the cited sources are in the references',
        weight: weights.supportedCitation,
      });
    }

    const overLimit = this.aboveUpperLimit(found, amounts, mainProduct);
    if (overLimit)
      factors.push({ code: 'above_upper_limit', detail: overLimit, weight: weights.aboveUpperLimit });
    if (doseChange)
      factors.push({
        code: 'dose_change',
        detail: `tells readers to "${doseChange}"`,
        weight: weights.doseChange,
      });
    const sensitive = diseaseTerm ?? drugTerm ?? found.first('sensitive');
    if (categories.has('mechanism') && sensitive) {
      factors.push({
        code: 'mechanism_tied_to_disorder',
        detail: `a mechanism tied to "${sensitive}"`,
        weight: weights.mechanismTiedToDisorder,
      });
    }
    const atRisk = disease ?? vulnerable;
    if (categories.has('safety_absolute') && atRisk) {
      factors.push({
        code: 'safety_with_condition',
        detail: `declared safe alongside "${atRisk}"`,
        weight: weights.safetyWithCondition,
      });
    }
    if (diseaseOrDrug && !productNamed && !pronounSubject && !opening && !firstPerson && !listedFeature) {
      factors.push({
        code: 'no_product',
        detail: 'no supplement or product is named as the cause',
        weight: weights.noProduct,
      });
    }
    const hedge = found.first('hedge');
    if (hedge && !diseaseOrDrug && !categories.has('vulnerable_group')) {
      factors.push({
        code: 'hedge',
        detail: `hedged: "${hedge}" (never softens disease, drug or vulnerable-group claims)`,
        weight: weights.hedge,
      });
    }
    if (negated.length > 0)
      factors.push({ code: 'negation', detail: `negated: "${negated.join('", "')}"`, weight: 0 });
    if (QUESTION_END.test(text))
      factors.push({ code: 'question', detail: 'asked as a question', weight: weights.question });
    const reported = found.first('reported');
    if (reported)
      factors.push({
        code: 'reported_speech',
        detail: `reported, not asserted: "${reported}"`,
        weight: weights.reportedSpeech,
      });
    const caveat = found.first('caveat');
    if (categories.has('safety_absolute') && caveat) {
      factors.push({ code: 'safety_caveat', detail: `qualified: "${caveat}"`, weight: weights.safetyCaveat });
    }

    factors.unshift(...categoryFactors(categories, weights.categories));
    const riskScore = Math.max(
      0,
      Math.min(100, Math.round(factors.reduce((sum, factor) => sum + factor.weight, 0))),
    );
    const { thresholds } = this.policy;
    const riskLevel: RiskLevel =
      riskScore >= thresholds.high ? 'high' : riskScore >= thresholds.medium ? 'medium' : 'low';
    return {
      signals,
      claim: {
        sentence,
        categories: [...categories.keys()],
        riskScore,
        riskLevel,
        factors,
        citationIds: sentenceCitations.map((citation) => citation.id),
      },
    };
  }

  private aboveUpperLimit(
    found: Found,
    amounts: RegExpMatchArray[],
    mainProduct: string | undefined,
  ): string | undefined {
    // The sentence's own product, else the draft's main one ("Adults can safely take 10,000 IU a day").
    const named = found.words('product');
    const products = named.length > 0 ? named : mainProduct ? [mainProduct] : [];
    const limits = this.policy.upperLimits.filter((limit) =>
      products.some((product) => product.startsWith(limit.product)),
    );
    for (const limit of limits) {
      for (const amount of amounts) {
        const unit = amount[3]!.toLowerCase().replace(/s$/, '');
        const highest = Math.max(
          ...[amount[1], amount[2]]
            .map((value) => Number(value?.replace(',', '') ?? NaN))
            .filter(Number.isFinite),
        );
        const perMg = MG_PER_UNIT[unit];
        const exceeds =
          (perMg !== undefined && limit.mgPerDay !== undefined && highest * perMg > limit.mgPerDay) ||
          (unit === 'iu' && limit.iuPerDay !== undefined && highest > limit.iuPerDay);
        if (exceeds) {
          const bound = unit === 'iu' ? `${limit.iuPerDay} IU` : `${limit.mgPerDay} mg`;
          return `${amount[0]} exceeds the ${bound}/day upper limit for ${limit.product} (${limit.source})`;
        }
      }
    }
    return undefined;
  }
}

/** Tags without which a sentence cannot make a claim or send a signal (numbers and citations aside). */
const TRIGGER_TAGS: readonly Tag[] = [
  'diseaseVerb',
  'diseasePhrase',
  'interaction',
  'effect',
  'mechanismVerb',
  'establishment',
  'safety',
  'testimonial',
  'dosageWord',
  'recommendation',
  'imperative',
];
const NO_SIGNALS: SentenceSignals = {
  recommendsSupplement: false,
  givesHealthAdvice: false,
  structureFunctionClaim: false,
};

const NEGATABLE: ReadonlySet<Tag> = new Set([
  'diseaseVerb',
  'diseasePhrase',
  'interaction',
  'effect',
  'mechanismVerb',
  'safety',
]);

/** The matches of one sentence, by tag, with negation resolved. */
class Found {
  private readonly byTag = new Map<Tag, PhraseMatch<Tag>[]>();
  private readonly negatedPhrases = new Set<string>();
  private readonly negators: PhraseMatch<Tag>[];

  /** The sentence without a leading "Label:" (list items often start with one). */
  readonly body: string;

  constructor(
    readonly sentence: Sentence,
    matches: PhraseMatch<Tag>[],
    readonly tokens: readonly Token[],
  ) {
    this.body = sentence.text.indexOf(':') > 0 ? sentence.text.replace(LABEL, '') : sentence.text;
    for (const match of matches) {
      const list = this.byTag.get(match.tag) ?? [];
      list.push(match);
      this.byTag.set(match.tag, list);
    }
    // "not only ... but also" does not negate.
    this.negators = this.all('negator').filter((negator) => tokens[negator.last + 1]?.norm !== 'only');
  }

  all(tag: Tag): readonly PhraseMatch<Tag>[] {
    return this.byTag.get(tag) ?? [];
  }

  startOf(match: PhraseMatch<Tag>): number {
    return this.tokens[match.first]!.start;
  }

  has(tag: Tag): boolean {
    return this.all(tag).length > 0;
  }

  first(tag: Tag): string | undefined {
    const match = this.all(tag)[0];
    return match ? this.text(match) : undefined;
  }

  words(tag: Tag): string[] {
    return this.all(tag).map((match) => this.text(match));
  }

  /** Whether every match of `inner` lies inside a match of `outer` ("side effects" inside "no side effects"). */
  isWithin(inner: Tag, outer: Tag): boolean {
    const outers = this.all(outer);
    return this.all(inner).every((match) =>
      outers.some((other) => other.first <= match.first && other.last >= match.last),
    );
  }

  /** The first match of `tag` that no negator governs. */
  unnegated(tag: Tag): string | undefined {
    for (const match of this.all(tag)) {
      if (NEGATABLE.has(tag) && this.isNegated(match)) {
        this.negatedPhrases.add(this.text(match));
        continue;
      }
      return this.text(match);
    }
    return undefined;
  }

  /** A safety absolute, unless it is negated ("not safe") or is itself the negation ("no side effects"). */
  unnegatedSafety(): string | undefined {
    for (const match of this.all('safety')) {
      const own = this.negators.some((negator) => negator.first >= match.first && negator.last <= match.last);
      if (!own && this.isNegated(match)) continue;
      return this.text(match);
    }
    return undefined;
  }

  negatedTriggers(): string[] {
    return [...this.negatedPhrases];
  }

  /** A vulnerable group the sentence speaks to ("your child", "for kids", "if you are pregnant"). */
  addressedVulnerableGroup(): string | undefined {
    const addressing = this.all('addressing');
    for (const match of this.all('vulnerable')) {
      if (addressing.some((word) => word.last < match.first && match.first - word.last <= 2))
        return this.text(match);
    }
    return undefined;
  }

  /** A figure or a number word ("3", "two", "twice", "half"), which every quantity pattern needs. */
  hasNumber(): boolean {
    return this.tokens.some((token) => {
      const code = token.norm.charCodeAt(0);
      return (code >= 48 && code <= 57) || NUMBER_WORDS.has(token.norm);
    });
  }

  hasUnit(): boolean {
    return this.tokens.some((token) => UNITS.has(token.norm));
  }

  /** "It", "this" or "they" among the first words: the claim is about what the draft discusses. */
  pronounNearStart(body: string): boolean {
    const offset = this.sentence.start + this.sentence.text.length - body.length;
    const first = this.tokens.findIndex((token) => token.start >= offset);
    return first >= 0 && this.tokens.slice(first, first + 4).some((token) => PRONOUNS.has(token.norm));
  }

  /** Product names standing before a product form: "PureSea" and "fish" in "PureSea fish oil". */
  namesBeforeProductForms(stopwords: ReadonlySet<string>): string[] {
    const names: string[] = [];
    for (const form of this.all('productForm')) {
      for (let i = form.first - 1; i >= Math.max(0, form.first - 2); i--) {
        const word = this.tokens[i]!.norm;
        if (stopwords.has(word) || /^\d/.test(word)) continue;
        if (this.between(i, i + 1)) break;
        names.push(word);
      }
    }
    return names;
  }

  /** "Some medicines can lower vitamin D levels": the drug acts on the product, in the same clause. */
  drugIsSubject(): boolean {
    const product = this.all('product')[0];
    const drugs = this.all('drug').filter((drug) => !product || drug.last < product.first);
    const lastDrug = drugs.at(-1);
    if (!lastDrug) return false;
    if (!product) return true;
    const from = this.tokens[lastDrug.last]!.end - this.sentence.start;
    const to = this.tokens[product.first]!.start - this.sentence.start;
    return !CLAUSE_JOIN.test(this.sentence.text.slice(from, to));
  }

  /** A list item that opens with a claim verb ("Cuts the risk of ...") speaks of the list's subject. */
  opensWithVerb(body: string): boolean {
    const offset = this.sentence.start + this.sentence.text.length - body.length;
    const index = this.tokens.findIndex((token) => token.start >= offset);
    const verbs: Tag[] = ['diseaseVerb', 'effect', 'interaction', 'mechanismVerb'];
    return index >= 0 && verbs.some((tag) => this.all(tag).some((match) => match.first === index));
  }

  /** The first word after any "Label:", capitalised as a name would be. */
  openingWord(): string | undefined {
    const body = this.body;
    const offset = this.sentence.start + this.sentence.text.length - body.length;
    const first = this.tokens.find((token) => token.start >= offset);
    if (!first) return undefined;
    const raw = this.sentence.text.slice(first.start - this.sentence.start, first.end - this.sentence.start);
    return /^[\p{Lu}]/u.test(raw) ? first.norm : undefined;
  }

  /** The sentence opens with one of the draft's topics that is not a stop word, drug or disease. */
  opensWithNamedSubject(body: string, stopwords: ReadonlySet<string>, topics: ReadonlySet<string>): boolean {
    const offset = this.sentence.text.length - body.length;
    const first = this.tokens.find((token) => token.start >= this.sentence.start + offset);
    if (!first || stopwords.has(first.norm) || !topics.has(first.norm)) return false;
    const raw = this.sentence.text.slice(first.start - this.sentence.start, first.end - this.sentence.start);
    if (!/^[\p{Lu}]/u.test(raw)) return false;
    const index = this.tokens.indexOf(first);
    const covering = (tag: Tag) => this.all(tag).some((match) => match.first === index);
    return !covering('drug') && !covering('disease') && !covering('symptom') && !covering('establishment');
  }

  private isNegated(match: PhraseMatch<Tag>): boolean {
    return this.negators.some(
      (negator) =>
        negator.last < match.first &&
        match.first - negator.last <= NEGATION_REACH &&
        !this.between(negator.last, match.first),
    );
  }

  /** A clause boundary (comma, "but", ...) between two tokens. */
  private between(fromToken: number, toToken: number): boolean {
    const from = this.tokens[fromToken]!.end - this.sentence.start;
    const to = this.tokens[toToken]!.start - this.sentence.start;
    return CLAUSE_BREAK.test(this.sentence.text.slice(from, to));
  }

  private text(match: PhraseMatch<Tag>): string {
    return this.tokens
      .slice(match.first, match.last + 1)
      .map((token) => token.norm)
      .join(' ');
  }
}

/** Category factors: the heaviest counts in full, the others at half weight, so overlapping triggers do not pile up. */
function categoryFactors(
  categories: ReadonlyMap<ClaimCategory, string>,
  weights: Partial<Record<ClaimCategory, number>>,
): Factor[] {
  const ranked = [...categories].sort(([a], [b]) => (weights[b] ?? 0) - (weights[a] ?? 0));
  return ranked.map(([category, detail], rank) => ({
    code: 'trigger',
    detail: `${category}: ${detail}`,
    weight: rank === 0 ? (weights[category] ?? 0) : Math.round((weights[category] ?? 0) / 2),
  }));
}

function firstMatch(text: string, pattern: RegExp): string | undefined {
  pattern.lastIndex = 0;
  const match = pattern.exec(text);
  pattern.lastIndex = 0;
  return match?.[0];
}
