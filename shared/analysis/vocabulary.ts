import type { Lexicons } from '../lexicons/index.js';
import type { Policy } from '../policy/index.js';
import { Lexicon } from './lexicon.js';

/** What a phrase of the vocabulary is: a term from a public vocabulary, or a cue from the policy. */
export type Tag =
  // Terms from public vocabularies (shared/lexicons).
  | 'disease'
  | 'symptom'
  | 'drug'
  | 'supplement'
  // Terms and cues from the policy.
  | 'product'
  | 'productForm'
  | 'outcome'
  | 'mechanismTarget'
  | 'vulnerable'
  | 'pathogen'
  | 'cureNoun'
  | 'medication'
  | 'treatVerb'
  | 'cureVerb'
  | 'diseasePhrase'
  | 'interaction'
  | 'effect'
  | 'mechanismVerb'
  | 'establishment'
  | 'studyNoun'
  | 'researchSubject'
  | 'safety'
  | 'caveat'
  | 'hedge'
  | 'negator'
  | 'reported'
  | 'traditional'
  | 'hypothetical'
  | 'testimonial'
  | 'dosageWord'
  | 'recommendation'
  | 'imperative'
  | 'authorised'
  | 'addressing'
  | 'harm'
  | 'consult'
  | 'promotional'
  | 'commerce'
  | 'evidenceLimit'
  | 'labelSection'
  | 'otherTopic'
  | 'authorship'
  | 'sensitive';

/** The vocabularies spell the American way; British drafts write "anaemia", "tumour", "oesophagus". */
const BRITISH: ReadonlyArray<readonly [RegExp, string]> = [
  [/emia\b/gu, 'aemia'],
  [/\bhem(?=[aeo])/gu, 'haem'],
  [/\bedema\b/gu, 'oedema'],
  [/\besophag/gu, 'oesophag'],
  [/\bestrogen/gu, 'oestrogen'],
  [/diarrhea\b/gu, 'diarrhoea'],
  [/\bpediatric/gu, 'paediatric'],
  [/(?<=\w)or\b/gu, 'our'],
];

function withBritishSpellings(terms: readonly string[]): string[] {
  const all = [...terms];
  for (const term of terms) {
    let british = term;
    for (const [pattern, replacement] of BRITISH) british = british.replace(pattern, replacement);
    if (british !== term) all.push(british);
  }
  return all;
}

/** Each term and the plural of its last word ("migraine" and "migraines", "body ache" and "body aches"). */
function withPlurals(terms: readonly string[]): string[] {
  const all: string[] = [];
  for (const term of terms) {
    all.push(term);
    const plural = pluralOf(term);
    if (plural !== term) all.push(plural);
  }
  return all;
}

function pluralOf(term: string): string {
  if (/(?:s|x|z|ch|sh)$/u.test(term) || /\d$/u.test(term)) return term;
  if (/[^aeiou]y$/u.test(term)) return `${term.slice(0, -1)}ies`;
  return `${term}s`;
}

/** The policy's cue lists and the public vocabularies, compiled into one token trie. */
export class Vocabulary {
  readonly lexicon: Lexicon<Tag>;
  /** Words that never name a product or a sentence's subject. */
  readonly stopwords: ReadonlySet<string>;
  /** Suffixes that make an unlisted word a disease name ("-itis", "-osis"). */
  readonly diseaseSuffixes: readonly string[];

  constructor(policy: Policy, lexicons: Lexicons) {
    const { terms, triggers } = policy;
    const stoplist = new Set(lexicons.stoplist);
    // The vocabularies name things in the singular; drafts speak of "migraines" and "statins" too.
    const keep = (list: readonly string[]) =>
      withPlurals(withBritishSpellings(list.filter((term) => !stoplist.has(term))));
    this.stopwords = new Set(terms.subjectStopwords);
    this.diseaseSuffixes = terms.diseaseSuffixes;
    this.lexicon = new Lexicon<Tag>({
      disease: [...keep(lexicons.diseases), ...terms.diseases],
      symptom: [...keep(lexicons.symptoms), ...terms.symptoms],
      drug: [...keep(lexicons.drugs), ...keep(lexicons.drugClasses), ...terms.drugs],
      supplement: keep(lexicons.supplements),
      product: terms.products,
      productForm: terms.productForms,
      outcome: terms.healthOutcomes,
      mechanismTarget: terms.mechanismTargets,
      vulnerable: terms.vulnerableGroups,
      pathogen: terms.pathogens,
      cureNoun: terms.cureNouns,
      medication: terms.medicationWords,
      sensitive: terms.sensitiveOutcomes,
      treatVerb: triggers.diseaseVerbs,
      cureVerb: triggers.cureVerbs,
      diseasePhrase: triggers.diseasePhrases,
      interaction: triggers.interactionVerbs,
      effect: triggers.effectVerbs,
      mechanismVerb: triggers.mechanismVerbs,
      establishment: triggers.establishment,
      studyNoun: triggers.studyNouns,
      researchSubject: triggers.researchSubjects,
      safety: triggers.safetyAbsolute,
      caveat: triggers.safetyCaveats,
      hedge: triggers.hedges,
      negator: triggers.negators,
      reported: triggers.reportedSpeech,
      traditional: triggers.traditionalUse,
      hypothetical: triggers.hypotheticals,
      testimonial: triggers.testimonial,
      dosageWord: triggers.dosageAdvice,
      recommendation: triggers.recommendation,
      imperative: triggers.imperatives,
      authorised: triggers.authorisedWording,
      addressing: triggers.addressing,
      harm: triggers.harmCues,
      consult: triggers.consultCues,
      promotional: triggers.promotionalWords,
      commerce: triggers.commerceCues,
      evidenceLimit: triggers.evidenceLimits,
      labelSection: triggers.labelSections,
      otherTopic: triggers.otherTopics,
      authorship: triggers.authorship,
    });
  }
}
