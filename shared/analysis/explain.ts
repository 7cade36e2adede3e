import type { DraftContext, SentenceCues } from './features.js';
import type { Tag } from './vocabulary.js';

type Describe = (cues: SentenceCues) => string;

const quoted = (cues: SentenceCues, tag: Tag, fallback: string) => {
  const phrase = cues.first(tag);
  return phrase ? `"${phrase}"` : fallback;
};
const named = (what: string, tag: Tag) => (cues: SentenceCues) =>
  `names ${what} ${quoted(cues, tag, '')}`.trim();

const GENRE_WORDS: Record<string, string> = {
  promotional: 'in a promotional draft',
  reference: 'in a reference text',
  nonHealth: 'in a draft that is not about health',
};

/** How each model feature reads to a reviewer or a publisher. */
const DESCRIPTIONS: Record<string, Describe> = {
  disease: (cues) =>
    `names a disease or condition ${quoted(cues, 'disease', '(a word shaped like a disease name)')}`,
  symptom: named('a symptom', 'symptom'),
  drug: named('a drug or drug class', 'drug'),
  medication: named('medication', 'medication'),
  supplement: () => 'speaks of a supplement or product',
  pathogen: named('germs, toxins or an infection', 'pathogen'),
  cureNoun: (cues) => `presents something as a treatment: ${quoted(cues, 'cureNoun', '')}`,
  diseasePhrase: (cues) => `a disease-claim phrase: ${quoted(cues, 'diseasePhrase', '')}`,
  outcome: named('a body function', 'outcome'),
  mechanismTarget: named('a hormone, neurotransmitter or marker', 'mechanismTarget'),
  vulnerable: named('a vulnerable group', 'vulnerable'),
  treatVerb: (cues) => `a treatment verb: ${quoted(cues, 'treatVerb', '')}`,
  effectVerb: (cues) => `an effect verb: ${quoted(cues, 'effect', '')}`,
  interaction: (cues) => `words of combining with or replacing a therapy: ${quoted(cues, 'interaction', '')}`,
  mechanismVerb: (cues) => `a mechanism verb: ${quoted(cues, 'mechanismVerb', '')}`,
  'treatVerb×disease': () => 'says something treats, prevents or relieves a condition',
  'effectVerb×disease': () => 'says something acts on a condition',
  'claimVerb×drug': () => 'ties an effect to a drug',
  'claimVerb×product': () => 'says what a product does',
  'disease×product': () => 'puts a product beside a condition',
  'drug×product': () => 'puts a product beside a drug',
  establishment: (cues) => `claims proof: ${quoted(cues, 'establishment', '')}`,
  studyNoun: (cues) => `speaks of research: ${quoted(cues, 'studyNoun', '')}`,
  researchSubject: () => 'reports what researchers or study participants found',
  safety: (cues) => `an absolute safety word: ${quoted(cues, 'safety', '')}`,
  caveat: (cues) => `qualified: ${quoted(cues, 'caveat', '')}`,
  harm: (cues) => `warns of harm: ${quoted(cues, 'harm', '')}`,
  consult: () => 'tells readers to ask a health professional',
  testimonial: (cues) => `told as someone's experience (${quoted(cues, 'testimonial', '')})`,
  promotional: (cues) => `sales language: ${quoted(cues, 'promotional', '')}`,
  commerce: (cues) => `shop words: ${quoted(cues, 'commerce', '')}`,
  recommendation: (cues) => `recommends a product: ${quoted(cues, 'recommendation', '')}`,
  authorised: () => 'uses authorised claim wording ("contributes to normal ...")',
  percent: () => 'quotes a percentage',
  multiple: () => 'quotes a multiple ("3x", "twice as")',
  duration: () => 'promises a time frame',
  amount: () => 'gives an amount (mg, capsules, ...)',
  frequency: () => 'gives a frequency (daily, twice a day)',
  citation: () => 'cites a source',
  unsupportedCitation: () => 'cites a source the references do not contain',
  imperative: () => 'tells the reader what to do',
  'imperative×amount': () => 'tells the reader how much to take',
  fragmentClaim: () => 'a bare claim fragment, as on a product page ("Relieves ...")',
  'fragment×disease': () => 'a bare claim fragment about a condition',
  subjectPronoun: () => 'its subject is the product ("it", "this", "our ...")',
  subjectYou: () => 'speaks to the reader',
  firstPerson: () => 'speaks in the first person',
  weOur: () => 'the seller speaks ("we", "our")',
  subjectResearch: () => 'research or researchers are the subject',
  heading: () => 'a heading',
  listItem: () => 'a list item',
  short: () => 'a short sentence',
  exclamation: () => 'an exclamation',
  'assertion:asserted': () => 'asserted as fact',
  'assertion:negated': () => 'negated',
  'assertion:hedged': () => 'hedged ("may", "might")',
  'assertion:question': () => 'asked as a question',
  'assertion:reported': () => 'reported or attributed speech, or historical use',
  'assertion:hypothetical': () => 'a hypothesis or condition ("if", "whether")',
  previousDrug: () => 'follows a sentence that names a drug',
  previousDisease: () => 'follows a sentence that names a condition',
  noClaimWords: () => 'no word of effect, treatment, proof or safety',
  regulatoryClaim: () => 'says the FDA approved, cleared or registered it',
  clauseTreatsCondition: () => 'says, in one clause, that something acts on a condition',
  clauseActsOnBody: () => 'says, in one clause, that something acts on a body function',
  clauseActsWithDrug: () => 'says, in one clause, that something acts with or like a drug',
  clauseProductActs: () => 'the product is what acts',
  clauseCuresCondition: () => 'says, in one clause, that something cures, treats or prevents a condition',
  productCures: () => 'says the product cures, treats or prevents a condition',
  productIsDrugClass: () => 'calls the product a kind of drug ("an antiviral", "nature\'s antibiotic")',
  conditionIsSubject: () => 'a condition is the subject: a fact about it, not a product claim',
};

const INTERACTIONS: Record<string, string> = {
  bias: 'the draft as a whole',
  hedged: 'hedged',
  reported: 'reported or historical',
  disease: 'names a condition',
  establishment: 'speaks of studies or proof',
  number: 'quotes a figure',
};

/** A sentence for a model feature, with the words of the claim that triggered it. */
export function describeFeature(name: string, cues: SentenceCues, context: DraftContext): string {
  const own = DESCRIPTIONS[name];
  if (own) return own(cues);
  const [base, genre] = name.split('×');
  const what = base ? INTERACTIONS[base] : undefined;
  const where = genre ? GENRE_WORDS[genre] : undefined;
  if (what && where) {
    const share =
      genre === 'promotional'
        ? context.promotional
        : genre === 'reference'
          ? context.reference
          : context.nonHealth;
    return `${what} ${where} (${Math.round(share * 100)} % likely)`;
  }
  return name;
}
