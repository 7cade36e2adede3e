import * as z from '../zod.js';
import { ClaimAssertion, ClaimCategory, GenreKind } from '../contract.js';

/**
 * Phrases are lower-case word sequences matched on word tokens; a trailing `*` on a word matches any
 * word starting with it ("enhanc*" matches enhance, enhances, enhancing).
 */
const phrase = z
  .string()
  .check(
    z.trim(),
    z.minLength(1),
    z.regex(
      /^[^\s*]+\*?(?: [^\s*]+\*?)*$/u,
      'words separated by single spaces; `*` only at the end of a word',
    ),
  );
const phrases = z.array(phrase);

/** A regular expression source compiled with the `iu` flags; it must compile. */
const pattern = z.string().check(
  z.minLength(1),
  z.refine(
    (source) => {
      try {
        new RegExp(source, 'iu');
        return true;
      } catch {
        return false;
      }
    },
    { message: 'not a valid regular expression' },
  ),
);

export const DisclaimerPart = z.object({
  id: z.string().check(z.minLength(1)),
  /** What the part says, for a publisher who has to add it. */
  description: z.string(),
  patterns: z.array(pattern).check(z.minLength(1)),
  /** Wordings that look like the part but change its meaning ("approved" for "evaluated"). */
  alteredBy: z._default(z.array(z.object({ pattern, detail: z.string() })), []),
});

export const DisclaimerRequirement = z.enum([
  'always',
  'supplement_structure_function',
  'health_advice',
  'risky_claims',
]);
export type DisclaimerRequirement = z.infer<typeof DisclaimerRequirement>;

export const DisclaimerDefinition = z.object({
  id: z.string().check(z.minLength(1)),
  title: z.string(),
  /** The wording a publisher can copy when the disclaimer is missing. */
  expectedText: z.string(),
  /** Required when any of these holds for the draft. */
  requiredWhen: z.array(DisclaimerRequirement).check(z.minLength(1)),
  /** A sentence matching one of these starts a candidate disclaimer. */
  anchors: z.array(pattern).check(z.minLength(1)),
  /** The anchors' key words: only a sentence holding one of them is tested against the anchors. */
  cues: z
    .array(z.string().check(z.regex(/^[\p{L}\p{N}']+$/u, 'one lower-case word'), z.toLowerCase()))
    .check(z.minLength(1)),
  /** How many sentences before and after the anchor sentence the parts may stand in. */
  window: z.object({
    before: z.number().check(z.int(), z.gte(0), z.lte(5)),
    after: z.number().check(z.int(), z.gte(0), z.lte(5)),
  }),
  /**
   * A window is an attempt at the disclaimer only when one of these parts is found or altered; otherwise
   * ("the FDA warned consumers...") it is a mention. Empty: any part will do.
   */
  attemptParts: z._default(z.array(z.string()), []),
  parts: z.array(DisclaimerPart).check(z.minLength(1)),
  /** How many parts make the disclaimer present (the rest may be paraphrased away); all of them if absent. */
  presentWith: z.optional(z.number().check(z.int(), z.gte(1))),
});
export type DisclaimerDefinition = z.infer<typeof DisclaimerDefinition>;

/** A title people read in place of an id. */
const title = z.string().check(z.trim(), z.minLength(1));

const weight = z.number().check(z.gte(-100), z.lte(100));

export const Policy = z.object({
  version: z.string().check(z.minLength(1)),
  description: z.optional(z.string()),
  terms: z.object({
    /**
     * Disease, symptom, drug and product words beyond the public vocabularies of shared/lexicons: lay names
     * they lack ("colds", "Alzheimer's", "brain fog") and generic words ("disease", "supplement").
     */
    diseases: phrases,
    symptoms: phrases,
    drugs: phrases,
    /** Supplements, ingredients and product words: what a claim can be about. */
    products: phrases,
    /** Words for a product's form; the words before one name a product ("PureSea fish oil", "DHA drops"). */
    productForms: phrases,
    /** Words that never name a product or a sentence's subject. */
    subjectStopwords: phrases,
    /** Body functions and outcomes a general health claim speaks of (sleep, mood, immunity). */
    healthOutcomes: phrases,
    /** Outcomes that make a mechanism claim sensitive (sleep, mood, anxiety). */
    sensitiveOutcomes: phrases,
    /** Neurotransmitters, hormones and markers a mechanism claim names. */
    mechanismTargets: phrases,
    vulnerableGroups: phrases,
    /** Word endings of disease names ("itis", "osis"): an unlisted "-itis" word is a disease all the same. */
    diseaseSuffixes: z.array(z.string().check(z.regex(/^[a-z]{3,8}$/u, 'a lower-case word ending'))),
    /** Viruses, bacteria, fungi, toxins: what an anti-infective claim acts on. */
    pathogens: phrases,
    /** Nouns that present a product as a treatment ("a natural cure", "an antiviral"). */
    cureNouns: phrases,
    /** Generic words for medicines ("medication", "prescription drugs"). */
    medicationWords: phrases,
  }),
  triggers: z.object({
    diseaseVerbs: phrases,
    /** The verbs of treatment proper (cure, treat, prevent, heal): with a condition, a disease claim by definition. */
    cureVerbs: phrases,
    /** Phrases that make a disease claim on their own ("natural antidepressant"). */
    diseasePhrases: phrases,
    interactionVerbs: phrases,
    effectVerbs: phrases,
    mechanismVerbs: phrases,
    establishment: phrases,
    safetyAbsolute: phrases,
    /** Warnings of harm ("too much can cause"): a sentence with one warns, it does not claim a benefit. */
    harmCues: phrases,
    /** Softeners that make a safety phrase a caveat rather than an absolute. */
    safetyCaveats: phrases,
    hedges: phrases,
    negators: phrases,
    reportedSpeech: phrases,
    testimonial: phrases,
    firstPerson: phrases,
    /** Words that make an amount advice ("take", "dose"). */
    dosageAdvice: phrases,
    /** Cues that the draft recommends or sells a supplement. */
    recommendation: phrases,
    /** Verbs that recommend when they open a sentence or a list item's text ("Take it daily"). */
    imperatives: phrases,
    /** EU-authorised claim wording: symptoms named in it ("tiredness and fatigue") do not make a disease claim. */
    authorisedWording: phrases,
    /** Words just before a vulnerable group that address it ("your child", "for kids", "safe for pregnant"). */
    addressing: phrases,
    navigationCues: phrases,
    referenceHeadings: phrases,
    /** Words for studies and evidence ("trial", "research", "meta-analysis"). */
    studyNouns: phrases,
    /** Who reports research or is studied ("researchers", "participants", "the FDA"). */
    researchSubjects: phrases,
    /** Historical or traditional use, told rather than claimed ("traditionally used for"). */
    traditionalUse: phrases,
    /** Conditions and hypotheses ("if", "whether", "would"). */
    hypotheticals: phrases,
    /** Advice to ask a health professional. */
    consultCues: phrases,
    /** Sales superlatives ("powerful", "miracle", "guaranteed"). */
    promotionalWords: phrases,
    /** Shop words ("buy", "order", "free shipping"). */
    commerceCues: phrases,
    /** What careful reference texts say of evidence and risk ("more research is needed", "may interact"). */
    evidenceLimits: phrases,
    /** Words of topics other than human health (animals, machines, money, cooking, weather, sport, space). */
    otherTopics: phrases,
    /** Sections of a product label or shop page ("Supplement Facts", "Serving Size", "Directions"). */
    labelSections: phrases,
    /** Who wrote it, as reference texts say ("fact sheet", "reviewed by", "National Institutes of Health"). */
    authorship: phrases,
  }),
  /** Tolerable upper intake levels for supplements, in mg per day. */
  upperLimits: z.array(
    z
      .object({
        product: phrase,
        mgPerDay: z.optional(z.number().check(z.positive())),
        iuPerDay: z.optional(z.number().check(z.positive())),
        source: z.string(),
      })
      .check(
        z.refine((limit) => limit.mgPerDay !== undefined || limit.iuPerDay !== undefined, {
          message: 'an upper limit needs mgPerDay or iuPerDay',
        }),
      ),
  ),
  /** Score points the deterministic rules add to a claim's learned score, and the draft-level additions. */
  weights: z.object({
    unsupportedCitation: weight,
    aboveUpperLimit: weight,
    doseChange: weight,
    /** "FDA approved" or "FDA registered" said of a supplement. */
    regulatoryMisstatement: weight,
    draft: z.object({
      requiredDisclaimerMissing: weight,
      requiredDisclaimerAltered: weight,
      unsupportedCitation: weight,
      /** The most that unsupported citations add to the draft's score together. */
      unsupportedCitationCap: weight,
    }),
  }),
  thresholds: z
    .object({
      medium: z.number().check(z.int(), z.gte(1), z.lte(100)),
      high: z.number().check(z.int(), z.gte(1), z.lte(100)),
    })
    .check(z.refine((t) => t.medium < t.high, { message: 'medium must be below high' })),
  /** What people read for each claim category: pages and the CLI never show the id. */
  categoryTitles: z.record(ClaimCategory, title),
  /** What people read for each genre a draft is read as ("Reference text"). */
  genreTitles: z.record(GenreKind, title),
  /** What people read for how each claim is put ("Hedged", "Reported speech"). */
  assertionTitles: z.record(ClaimAssertion, title),
  disclaimers: z.array(DisclaimerDefinition),
});
export type Policy = z.infer<typeof Policy>;
