import type { ClaimCategory, Factor, RiskLevel } from '../contract.js';
import type { Policy } from '../policy/index.js';
import type { FoundCitation } from './citations.js';
import {
  type Assertion,
  type DraftContext,
  type FeatureVector,
  contextGroups,
  draftTerms,
  mentionsFda,
  regulatoryClaimIn,
  type SentenceCues,
  sentenceFeatures,
} from './features.js';
import { describeFeature } from './explain.js';
import { contributions, logOdds, probability, type ClaimModel, type ExtraFeatures } from './model.js';
import type { Sentence } from './sentences.js';
import type { Vocabulary } from './vocabulary.js';

export interface AnalysedClaim {
  sentence: Sentence;
  categories: ClaimCategory[];
  riskScore: number;
  riskLevel: RiskLevel;
  assertion: Assertion;
  factors: Factor[];
  citationIds: string[];
}

/** What the draft's claims add up to, for the disclaimer rules. */
export interface ClaimSignals {
  /** A medium or high health claim, which in a promotional draft needs the FDA statement beside it. */
  structureFunctionClaim: boolean;
  /** Dosage advice or an instruction to take something. */
  givesHealthAdvice: boolean;
  /** A high-risk claim. */
  riskyClaims: boolean;
}

/** What the FDA statement covers: claims of what a nutrient does for the body, and the studies behind them. */
const STATEMENT_COVERS: ReadonlySet<ClaimCategory> = new Set([
  'general_health',
  'mechanism',
  'establishment_claim',
]);
/** Factors shown per claim: the largest model contributions, the rest summed in one line. */
const SHOWN_FACTORS = 5;
/** A candidate sentence below this score, with no rule category, is not listed as a claim at all. */
const LISTED_FROM = 10;

const UPPER_LIMIT_AMOUNT =
  /(?<![\p{L}\p{N}.])(\d{1,6}(?:[.,]\d+)?)(?:\s*(?:[-–—]|to)\s*(\d{1,6}(?:[.,]\d+)?))?\s?(mg|milligrams?|mcg|µg|μg|micrograms?|g|grams?|iu)(?![\p{L}])/giu;
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
const DOSE_CHANGE = /\b(?:double|triple|increase|up)\s+(?:the|your)\s+dos(?:e|age)\b/iu;
const DOSE_WORD = /dos(?:e|age)\b/iu;

/** A candidate sentence with its own features: what the model reads, whatever the draft's genre. */
export interface CandidateSentence {
  cues: SentenceCues;
  citations: FoundCitation[];
  features: FeatureVector;
  assertion: Assertion;
}

/** The features of every sentence with a claim cue (the others can make no claim). */
export function candidateSentences(
  cues: readonly SentenceCues[],
  citations: readonly FoundCitation[],
  topics: ReadonlySet<string>,
  vocabulary: Vocabulary,
): CandidateSentence[] {
  const citationsBySentence = new Map<number, FoundCitation[]>();
  for (const citation of citations) {
    const list = citationsBySentence.get(citation.sentenceIndex);
    if (list) list.push(citation);
    else citationsBySentence.set(citation.sentenceIndex, [citation]);
  }
  const candidates: CandidateSentence[] = [];
  cues.forEach((sentenceCues, index) => {
    if (sentenceCues.words.length === 0) return;
    const sentenceCitations = citationsBySentence.get(sentenceCues.sentence.index) ?? [];
    const { features, assertion } = sentenceFeatures(
      sentenceCues,
      { previous: cues[index - 1], next: cues[index + 1] },
      topics,
      vocabulary,
      sentenceCitations,
    );
    candidates.push({ cues: sentenceCues, citations: sentenceCitations, features, assertion });
  });
  return candidates;
}

/** Scores every candidate sentence with the model in the draft's context, then applies the policy's rules. */
export function judgeClaims(
  candidates: readonly CandidateSentence[],
  context: DraftContext,
  model: ClaimModel,
  policy: Policy,
  mainProduct: string | undefined,
): { claims: AnalysedClaim[]; listed: AnalysedClaim[]; signals: ClaimSignals } {
  const claims: AnalysedClaim[] = [];
  // What explaining a claim needs; its genre-scaled features are found again for the few that are listed, rather
  // than kept for every claim (a 5 MB draft makes 300,000).
  const explanations: Array<{ candidate: CandidateSentence; modelPoints: number }> = [];
  const signals: ClaimSignals = {
    structureFunctionClaim: false,
    givesHealthAdvice: false,
    riskyClaims: false,
  };
  const { thresholds } = policy;
  // Log-odds map onto the 0-100 score so that the model's thresholds land on fixed points; the policy's
  // thresholds then decide the levels on that scale (a stricter policy asks for higher scores).
  const pointsPerLogOdd = (HIGH_POINTS - MEDIUM_POINTS) / (model.thresholds.high - model.thresholds.medium);
  const toPoints = (logit: number) => MEDIUM_POINTS + (logit - model.thresholds.medium) * pointsPerLogOdd;
  const terms = draftTerms(context);

  for (const candidate of candidates) {
    const { cues: sentenceCues, citations: sentenceCitations, assertion, features } = candidate;
    const inDraft = contextGroups(features, terms);
    const modelPoints = toPoints(logOdds(model.claim, features, inDraft));
    // The rules' factors; the model's own are explained only for a claim that is listed (most are not).
    const factors: Factor[] = [];
    const categories = categoriesOf(
      model,
      features,
      inDraft,
      sentenceCues,
      assertion,
      modelPoints >= LISTED_FROM,
    );
    const { weights } = policy;

    const unsupported = sentenceCitations.filter((citation) => citation.matchedReference === null);
    if (unsupported.length > 0 && categories.length > 0)
      factors.push({
        code: 'unsupported_citation',
        detail: `cites ${unsupported.map((citation) => `"${citation.text}"`).join(', ')}, which the draft's references do not contain`,
        weight: weights.unsupportedCitation,
      });
    // An amount above the upper limit matters where the draft tells readers to take it, not in "adults need
    // 420 mg a day from food".
    const overLimit = categories.includes('dosage_advice')
      ? aboveUpperLimit(policy, sentenceCues, mainProduct)
      : undefined;
    if (overLimit)
      factors.push({ code: 'above_upper_limit', detail: overLimit, weight: weights.aboveUpperLimit });
    const text = sentenceCues.sentence.text;
    // A literal scan first: the patterns' leading alternatives would be tried at every character.
    const doseChange = DOSE_WORD.test(text) ? DOSE_CHANGE.exec(text)?.[0] : undefined;
    if (doseChange && !categories.includes('dosage_advice')) categories.push('dosage_advice');
    if (doseChange)
      factors.push({
        code: 'dose_change',
        detail: `tells readers to "${doseChange}"`,
        weight: weights.doseChange,
      });
    const fdaApproved = features.has('regulatoryClaim') ? regulatoryClaimIn(sentenceCues) : undefined;
    if (fdaApproved && context.kind === 'promotional' && assertion === 'asserted')
      factors.push({
        code: 'fda_approval_claim',
        detail: `says the product is "${fdaApproved}": supplements are not approved by the FDA`,
        weight: weights.regulatoryMisstatement,
      });

    const unrounded = modelPoints + factors.reduce((sum, factor) => sum + factor.weight, 0);
    let riskScore = clampScore(unrounded);
    // The model's explanation takes the score's rounding into its baseline: the factors shown add up to the score.
    const explainedPoints = modelPoints + Math.round(unrounded) - unrounded;
    // Said to cure, treat or prevent a condition, a product makes a disease claim (21 CFR 101.93(g)): high in
    // a promotional draft whatever the model's score, when the product (or a bare fragment) is what acts.
    if (
      context.kind === 'promotional' &&
      riskScore >= thresholds.medium &&
      riskScore < thresholds.high &&
      (assertion === 'asserted' || assertion === 'hedged') &&
      ((features.has('clauseCuresCondition') &&
        (features.has('clauseProductActs') ||
          features.has('productCures') ||
          features.has('fragmentClaim') ||
          features.has('subjectPronoun') ||
          features.has('firstPerson'))) ||
        features.has('productIsDrugClass'))
    ) {
      const lift = thresholds.high - riskScore;
      factors.push({
        code: 'disease_claim_rule',
        detail:
          'says the product cures, treats or prevents a condition, or is a kind of drug: a disease claim',
        weight: lift,
      });
      riskScore += lift;
    }
    // Said to augment, replace or ease a drug's action, a supplement makes a drug claim (21 CFR 101.93(g)):
    // high in a promotional draft whatever the model's score, when the clause asserts or only hedges it.
    if (
      context.kind === 'promotional' &&
      riskScore >= thresholds.medium &&
      riskScore < thresholds.high &&
      (assertion === 'asserted' || assertion === 'hedged') &&
      features.has('clauseActsWithDrug') &&
      sentenceCues.asserted('interaction') !== undefined
    ) {
      const lift = thresholds.high - riskScore;
      factors.push({
        code: 'drug_claim_rule',
        detail: 'says the product works with, like or instead of a drug: a drug claim',
        weight: lift,
      });
      riskScore += lift;
    }
    // A negated claim is not a claim ("will not cure"), and reported speech or told history ("some websites
    // claim", "was traditionally used for") is not the writer's own claim.
    const notOwn = NOT_THE_WRITERS_CLAIM[assertion];
    if (notOwn && riskScore >= thresholds.medium) {
      const cap = thresholds.medium - 1 - riskScore;
      factors.push({ code: assertion, detail: notOwn, weight: cap });
      riskScore += cap;
    }
    // A warning of the product's own harm ("too much can cause kidney stones") is what a reader needs, not a
    // claimed benefit. (A drug's harms told to sell a remedy are another matter: the model judges those.)
    if (
      sentenceCues.has('harm') &&
      sentenceCues.has('caveat') &&
      !features.has('drug') &&
      !features.has('clauseCuresCondition') &&
      !features.has('diseasePhrase') &&
      !features.has('cureNoun') &&
      riskScore >= thresholds.medium
    ) {
      const cap = thresholds.medium - 1 - riskScore;
      factors.push({
        code: 'harm_warning',
        detail: 'warns of harm rather than claiming a benefit',
        weight: cap,
      });
      riskScore += cap;
    }
    // A question that claims no cure ("How much vitamin D should you take?") asks; it does not claim.
    if (
      assertion === 'question' &&
      !features.has('clauseCuresCondition') &&
      !features.has('diseasePhrase') &&
      riskScore >= thresholds.medium
    ) {
      const cap = thresholds.medium - 1 - riskScore;
      factors.push({ code: 'question', detail: 'asks a question and claims no cure', weight: cap });
      riskScore += cap;
    }
    // A non-health draft makes no health claim, whatever health words it borrows.
    if (context.kind === 'non_health' && riskScore >= thresholds.medium) {
      const cap = thresholds.medium - 1 - riskScore;
      factors.push({ code: 'non_health_draft', detail: 'the draft is not about health', weight: cap });
      riskScore += cap;
    }
    // A health statement no rule or model puts in a category says what something does for the body; a
    // sentence without a word of health or of the FDA ("Order three bottles today") says nothing of the kind.
    if (
      categories.length === 0 &&
      riskScore >= LISTED_FROM &&
      (HEALTH_WORDS.some((name) => features.has(name)) || mentionsFda(text))
    )
      categories.push('general_health');
    const own = assertion === 'asserted' || assertion === 'hedged';
    const promoted = context.kind === 'promotional' && own;
    const setScore = (target: number, code: string, detail: string) => {
      factors.push({ code, detail, weight: target - riskScore });
      riskScore = target;
    };
    // The FDA statement makes a structure/function claim acceptable (and is required beside it); without it,
    // such a claim in a promotional draft is risky. It does nothing for claims of other kinds.
    const structureFunction =
      categories.length > 0 &&
      categories.every((category) => STATEMENT_COVERS.has(category)) &&
      riskScore < thresholds.high;
    if (promoted && structureFunction && context.fdaStatement && riskScore >= thresholds.medium) {
      signals.structureFunctionClaim = true;
      setScore(
        thresholds.medium - 1,
        'fda_statement_present',
        'a structure/function claim beside the full FDA statement',
      );
    } else if (
      promoted &&
      structureFunction &&
      !context.fdaStatement &&
      riskScore < thresholds.medium &&
      CLAIM_WORDS.some((name) => features.has(name))
    ) {
      setScore(
        thresholds.medium,
        'fda_statement_missing',
        'a structure/function claim in a promotional draft without the full FDA statement',
      );
    }
    // Dosage advice and a promise of safety are risky in a promotional draft whatever the model scores; safety
    // promised to people with a condition, or to children or in pregnancy, is high, as is telling them a dose.
    const safety = categories.includes('safety_absolute');
    const dosage = categories.includes('dosage_advice');
    if (
      promoted &&
      safety &&
      (features.has('disease') || features.has('vulnerable')) &&
      riskScore < thresholds.high
    )
      setScore(
        thresholds.high,
        'safety_with_condition',
        'declares it safe for people with a condition or at risk',
      );
    else if (
      promoted &&
      dosage &&
      features.has('imperative') &&
      categories.includes('vulnerable_group') &&
      riskScore < thresholds.high
    )
      setScore(
        thresholds.high,
        'dosage_for_vulnerable',
        'tells how much a child, a pregnant woman or an older person should take',
      );
    else if (promoted && (safety || dosage) && riskScore < thresholds.medium)
      setScore(
        thresholds.medium,
        safety ? 'safety_promise' : 'dosage_advice',
        safety ? 'promises safety without a caveat' : 'tells readers how much to take',
      );
    else if (promoted && categories.includes('quantitative_efficacy') && riskScore < thresholds.medium)
      setScore(
        thresholds.medium,
        'figure_of_effect',
        'puts a figure on the effect, which must be proven at that size',
      );
    // A study result or proof claimed on the strength of studies the draft lists is substantiated, as far as
    // a reader can check: medium at most, unless it is a disease or drug claim.
    if (
      riskScore >= thresholds.high &&
      sentenceCitations.length > 0 &&
      sentenceCitations.every((citation) => citation.matchedReference !== null) &&
      !categories.includes('disease_claim') &&
      !categories.includes('drug_interaction')
    )
      setScore(
        thresholds.high - 1,
        'supported_citation',
        'the studies it cites are in the draft’s references',
      );
    // Dosage advice alone is medium: high needs more (an amount above the upper limit, a dose change, a child).
    if (
      riskScore >= thresholds.high &&
      categories.every((category) => category === 'dosage_advice') &&
      !factors.some((factor) => DOSE_ESCALATION.has(factor.code)) &&
      !features.has('vulnerable')
    )
      setScore(thresholds.high - 1, 'dosage_only', 'dosage advice within the usual range');
    if (categories.length === 0) continue;
    const riskLevel: RiskLevel =
      riskScore >= thresholds.high ? 'high' : riskScore >= thresholds.medium ? 'medium' : 'low';
    // The FDA statement must stand beside any health claim a promotional draft makes for its product.
    if (riskLevel !== 'low') signals.structureFunctionClaim = true;
    if (riskLevel !== 'low' && dosage) signals.givesHealthAdvice = true;
    if (riskLevel === 'high') signals.riskyClaims = true;
    explanations.push({ candidate, modelPoints: explainedPoints });
    claims.push({
      sentence: sentenceCues.sentence,
      categories,
      riskScore,
      riskLevel,
      assertion,
      factors,
      citationIds: sentenceCitations.map((citation) => citation.id),
    });
  }
  // The model's factors are explained for the listed claims only: the draft's verdict reads every claim.
  const listed = listedClaims(claims);
  for (const index of listed) {
    const { candidate, modelPoints } = explanations[index]!;
    const inDraft = contextGroups(candidate.features, terms);
    claims[index]!.factors.unshift(
      ...explain(model, candidate.features, inDraft, candidate.cues, context, modelPoints, pointsPerLogOdd),
    );
  }
  return { claims, listed: listed.map((index) => claims[index]!), signals };
}

/**
 * The most claims a result lists. A long article makes tens, a 5 MB compilation thousands; past this the
 * riskiest are listed, and `stats.claims` still counts them all (a reviewer reads the riskiest first anyway).
 */
export const MAX_LISTED_CLAIMS = 5000;

/** Indexes of the claims a result lists, in text order: all of them, or the riskiest MAX_LISTED_CLAIMS. */
function listedClaims(claims: readonly AnalysedClaim[]): number[] {
  const indexes = claims.map((_, index) => index);
  if (claims.length <= MAX_LISTED_CLAIMS) return indexes;
  return indexes
    .sort((a, b) => claims[b]!.riskScore - claims[a]!.riskScore || a - b)
    .slice(0, MAX_LISTED_CLAIMS)
    .sort((a, b) => a - b);
}

/** Features of a sentence that claims an effect (not one that only describes: "melatonin is a hormone"). */
const CLAIM_WORDS = [
  'treatVerb',
  'effectVerb',
  'mechanismVerb',
  'interaction',
  'cureNoun',
  'diseasePhrase',
  'clauseActsOnBody',
  'clauseTreatsCondition',
];

/** Features of a sentence that speaks of health: a condition, a body function, a drug, a dose or how often, a study (not a supplement named to sell it). */
const HEALTH_WORDS = [
  ...CLAIM_WORDS,
  'disease',
  'symptom',
  'drug',
  'medication',
  'pathogen',
  'outcome',
  'mechanismTarget',
  'safety',
  'harm',
  'vulnerable',
  'amount',
  'frequency',
  'establishment',
  'studyNoun',
  'testimonial',
];

/** The features a learned category needs in the sentence. */
const NEEDS_EVIDENCE: Partial<Record<ClaimCategory, readonly string[]>> = {
  disease_claim: ['disease', 'symptom', 'pathogen', 'cureNoun', 'diseasePhrase'],
  drug_interaction: ['drug', 'medication'],
};

/** Factors that make dosage advice high risk. */
const DOSE_ESCALATION: ReadonlySet<string> = new Set(['above_upper_limit', 'dose_change']);

/** Where the model's medium and high thresholds fall on the score. */
const MEDIUM_POINTS = 30;
const HIGH_POINTS = 60;

const NOT_THE_WRITERS_CLAIM: Partial<Record<Assertion, string>> = {
  negated: 'every claim in it is negated',
  reported: 'reported or attributed, not asserted by the writer',
};

const clampScore = (score: number) => Math.max(0, Math.min(100, Math.round(score)));

/**
 * The claim's factors in score points: where the model starts, the largest feature contributions, and
 * the rest in one line, so that they add up to the model's score.
 */
function explain(
  model: ClaimModel,
  features: ReadonlyMap<string, number>,
  inDraft: ExtraFeatures,
  cues: SentenceCues,
  context: DraftContext,
  modelPoints: number,
  pointsPerLogOdd: number,
): Factor[] {
  const parts = contributions(model.claim, features, inDraft);
  const shown = parts.slice(0, SHOWN_FACTORS).filter((part) => Math.abs(part.value * pointsPerLogOdd) >= 1);
  const factors: Factor[] = shown.map((part) => ({
    code: part.name,
    detail: describeFeature(part.name, cues, context),
    weight: round1(part.value * pointsPerLogOdd),
  }));
  const rest = modelPoints - factors.reduce((sum, factor) => sum + factor.weight, 0);
  factors.push({
    code: 'model_baseline',
    detail: 'where the model starts, and its smaller signals',
    weight: round1(rest),
  });
  return factors;
}

const round1 = (value: number) => Math.round(value * 10) / 10;

type CategoryModels = ReadonlyArray<readonly [ClaimCategory, ClaimModel['categories'][ClaimCategory]]>;
const categoryModels = new WeakMap<ClaimModel, CategoryModels>();

/** A model's category models as a list, made once per model rather than once per claim. */
function categoryModelsOf(model: ClaimModel): CategoryModels {
  let list = categoryModels.get(model);
  if (!list) {
    list = Object.entries(model.categories) as Array<
      [ClaimCategory, ClaimModel['categories'][ClaimCategory]]
    >;
    categoryModels.set(model, list);
  }
  return list;
}

/** Learned categories above even odds, and the categories the rules recognise for certain. */
function categoriesOf(
  model: ClaimModel,
  features: ReadonlyMap<string, number>,
  inDraft: ExtraFeatures,
  cues: SentenceCues,
  assertion: Assertion,
  withModels: boolean,
): ClaimCategory[] {
  const found = new Set<ClaimCategory>();
  const has = (name: string) => features.has(name);
  // What the sentence plainly does, in the taxonomy of the domain notes.
  if (assertion !== 'negated') {
    const claimWords = has('treatVerb') || has('effectVerb') || has('interaction') || has('mechanismVerb');
    // EU-authorised wording ("contributes to the reduction of tiredness") names a symptom without a disease claim.
    if (
      (has('clauseTreatsCondition') ||
        has('diseasePhrase') ||
        has('fragment×disease') ||
        has('productIsDrugClass')) &&
      !has('authorised')
    )
      found.add('disease_claim');
    if (has('clauseActsWithDrug')) found.add('drug_interaction');
    if ((has('percent') || has('multiple') || has('duration')) && (claimWords || has('studyNoun')))
      found.add('quantitative_efficacy');
    if ((has('establishment') || has('citation')) && (claimWords || found.size > 0))
      found.add('establishment_claim');
    if (has('imperative×amount') || (cues.has('dosageWord') && has('amount'))) found.add('dosage_advice');
    if (has('safety')) found.add('safety_absolute');
    if (cues.has('testimonial') || (has('firstPerson') && (has('disease') || has('symptom'))))
      found.add('testimonial');
    if (has('mechanismVerb') && cues.has('mechanismTarget')) found.add('mechanism');
  }
  // And what the category models (labelled on the corpus) find likely; a disease or drug claim needs a
  // condition or a drug in the sentence, which the models alone cannot vouch for.
  const learned = withModels ? categoryModelsOf(model) : [];
  for (const [category, categoryModel] of learned) {
    // A category the rules found already needs no model to find it again.
    if (!categoryModel || found.has(category)) continue;
    if (NEEDS_EVIDENCE[category] && !NEEDS_EVIDENCE[category]!.some(has)) continue;
    if (category === 'disease_claim' && has('authorised')) continue;
    // Advice on dosage names an amount, how often, or taking something ("simmer for 20 minutes" is none).
    if (category === 'dosage_advice' && !has('amount') && !has('frequency') && !cues.has('dosageWord'))
      continue;
    if (probability(categoryModel, features, inDraft) >= 0.5) found.add(category);
  }
  if (assertion !== 'negated' && cues.has('vulnerable') && cues.has('addressing') && found.size > 0)
    found.add('vulnerable_group');
  return [...found];
}

/** A daily amount above the tolerable upper intake level of the product the sentence (or draft) is about. */
function aboveUpperLimit(
  policy: Policy,
  cues: SentenceCues,
  mainProduct: string | undefined,
): string | undefined {
  const text = cues.sentence.text;
  if (!/\d/u.test(text)) return undefined;
  const named = cues.all('supplement').map((match) => cues.phrase(match).toLowerCase());
  const products = named.length > 0 ? named : mainProduct ? [mainProduct] : [];
  const limits = policy.upperLimits.filter((limit) =>
    products.some((product) => product.startsWith(limit.product)),
  );
  for (const limit of limits) {
    for (const amount of text.matchAll(UPPER_LIMIT_AMOUNT)) {
      const unit = amount[3]!.toLowerCase().replace(/s$/u, '');
      let highest = Number.NaN;
      for (const value of [amount[1], amount[2]]) {
        const number = Number(value?.replace(',', '') ?? Number.NaN);
        if (Number.isFinite(number) && !(number <= highest)) highest = number;
      }
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
