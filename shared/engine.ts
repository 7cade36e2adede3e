import { candidateSentences, judgeClaims, type CandidateSentence } from './analysis/claims.js';
import {
  findCitations,
  findInlineSources,
  matchCitations,
  resolveInline,
  parseReferences,
  type FoundCitation,
  type FoundReference,
} from './analysis/citations.js';
import { findDisclaimers, type FoundDisclaimer } from './analysis/disclaimers.js';
import { findCues, type DraftContext, type SentenceCues } from './analysis/features.js';
import { probability } from './analysis/model.js';
import { decideGenre, findTopics } from './analysis/genre.js';
import { defaultModel, type ClaimModel } from './analysis/trained-model.js';
import { segmentSentences, type Sentence } from './analysis/sentences.js';
import { findStructure } from './analysis/structure.js';
import { decideVerdict, disclaimerRequirement } from './analysis/verdict.js';
import { Vocabulary } from './analysis/vocabulary.js';
import { countByLevel, type DraftFormat, type ModerationResult } from './contract.js';
import { lexicons } from './lexicons/index.js';
import { defaultPolicy, type Policy } from './policy/index.js';
import { decodeDraft, DEFAULT_MAX_BYTES, detectFormat, readDraft, type TextView } from './read/index.js';

export { DEFAULT_MAX_BYTES };
/** Claim text longer than this is cut in the result; its offsets still cover the whole sentence. */
const MAX_CLAIM_TEXT = 1000;

export interface DraftInput {
  /** Where the draft came from: the CLI path as given, or `s3://bucket/key`. */
  source: string;
  documentId: string;
  bytes: Uint8Array;
  /** File or object name; its extension picks the format when no content type decides it. */
  name: string;
  contentType?: string;
}

export interface EngineOptions {
  policy?: Policy;
  model?: ClaimModel;
  maxBytes?: number;
}

/** Reads, analyses and scores one draft. Throws DraftError when the draft cannot be moderated. */
export function moderateDraft(input: DraftInput, options: EngineOptions = {}): ModerationResult {
  const format = detectFormat(input.name, input.contentType);
  const text = decodeDraft(input.bytes, options.maxBytes ?? DEFAULT_MAX_BYTES);
  return moderateText({ source: input.source, documentId: input.documentId, text, format }, options);
}

export interface TextInput {
  source: string;
  documentId: string;
  text: string;
  format: DraftFormat;
}

const vocabularies = new WeakMap<Policy, Vocabulary>();

function vocabularyOf(policy: Policy): Vocabulary {
  let vocabulary = vocabularies.get(policy);
  if (!vocabulary) {
    vocabulary = new Vocabulary(policy, lexicons);
    vocabularies.set(policy, vocabulary);
  }
  return vocabulary;
}

/** The engine on decoded text; offsets in the result are UTF-16 offsets into `input.text`. */
export function moderateText(
  input: TextInput,
  options: Omit<EngineOptions, 'maxBytes'> = {},
): ModerationResult {
  const policy = options.policy ?? defaultPolicy;
  return judgeDraft(analyseText(input, policy), options.model ?? defaultModel);
}

/** Everything about a draft that does not depend on the learned model: read once, judged by any model. */
export interface DraftAnalysis {
  input: TextInput;
  policy: Policy;
  vocabulary: Vocabulary;
  view: TextView;
  sentences: Sentence[];
  /** Cues of the body sentences: neither references, navigation nor disclaimers. */
  cues: SentenceCues[];
  /** The body sentences with a claim cue, and their features. */
  candidates: CandidateSentence[];
  /** The FDA statement's status: the genre and the structure/function rule read it. */
  fdaStatement: 'present' | 'altered' | 'missing';
  disclaimers: FoundDisclaimer[];
  citations: FoundCitation[];
  /** More citations stand in the draft than MAX_CITATIONS; those were not checked. */
  citationsCapped: boolean;
  references: FoundReference[];
  topics: Set<string>;
  mainProduct: string | undefined;
  started: number;
}

/** Runs one stage of the analysis; the benchmark passes one that times each stage. */
export type Stage = <T>(name: string, work: () => T) => T;
const untimed: Stage = (_name, work) => work();

export function analyseText(
  input: TextInput,
  policy: Policy = defaultPolicy,
  stage: Stage = untimed,
): DraftAnalysis {
  const started = performance.now();
  const vocabulary = vocabularyOf(policy);
  const view = stage('readDraft', () => readDraft(input.text, input.format));
  const sentences = stage('segmentSentences', () => segmentSentences(view));
  const structure = stage('findStructure', () =>
    findStructure(view, policy.triggers.referenceHeadings, policy.triggers.navigationCues),
  );
  const disclaimers = stage('findDisclaimers', () =>
    findDisclaimers(view.text, sentences, policy.disclaimers),
  );
  // Disclaimer spans, sorted, walked once beside the sentences (both are in text order).
  const disclaimerSpans = disclaimers
    .filter((found) => found.start !== undefined && found.end !== undefined)
    .map((found) => [found.start!, found.end!] as const)
    .sort((a, b) => a[0] - b[0]);
  const body = sentences.filter(
    (sentence) =>
      !structure.referenceBlocks.has(sentence.blockIndex) &&
      !structure.navigationBlocks.has(sentence.blockIndex) &&
      !disclaimerSpans.some(([start, end]) => sentence.start < end && sentence.end > start),
  );
  const { citations, capped: citationsCapped } = stage('findCitations', () =>
    findCitations(body, structure.referenceEntries.length > 0),
  );
  const references = stage('references', () => {
    const parsed = parseReferences([...structure.referenceEntries, ...findInlineSources(body)]);
    matchCitations(citations, parsed);
    resolveInline(citations, parsed);
    return parsed;
  });
  const cues = stage('cuesAndTagging', () => findCues(body, vocabulary));
  const { topics, mainProduct } = stage('topics', () => findTopics(cues, vocabulary));
  const candidates = stage('features', () => candidateSentences(cues, citations, topics, vocabulary));
  const fdaStatement =
    disclaimers.find((_, index) => policy.disclaimers[index]?.id === 'fda_structure_function')?.status ??
    'missing';
  return {
    input,
    policy,
    vocabulary,
    view,
    sentences,
    cues,
    candidates,
    fdaStatement,
    disclaimers,
    citations,
    citationsCapped,
    references,
    topics,
    mainProduct,
    started,
  };
}

/** Applies a model (the committed one, or one being trained) to an analysed draft. */
export function judgeDraft(analysis: DraftAnalysis, model: ClaimModel): ModerationResult {
  const { input, policy, view, disclaimers, citations, references, candidates, fdaStatement } = analysis;
  const genre = decideGenre(
    {
      cues: analysis.cues,
      text: input.text,
      fdaStatement,
      claimLikelihoods: candidates.map((candidate) => probability(model.content, candidate.features)),
    },
    model,
  );
  const context: DraftContext = {
    kind: genre.kind,
    promotional: genre.likelihood.promotional,
    reference: genre.likelihood.reference,
    nonHealth: genre.likelihood.non_health,
    fdaStatement: fdaStatement === 'present',
  };
  const { claims, listed, signals } = judgeClaims(candidates, context, model, policy, analysis.mainProduct);
  // findDisclaimers answers in the policy's order, one result per definition.
  const disclaimerResults = disclaimers.map((found, index) => {
    const definition = policy.disclaimers[index]!;
    const { required, because, why } = disclaimerRequirement(definition.requiredWhen, signals, genre.kind);
    return { ...found, required, requiredBecause: because, why, definition };
  });
  const verdict = decideVerdict(
    policy,
    claims,
    disclaimerResults,
    { citations, capped: analysis.citationsCapped },
    genre.kind,
  );

  return {
    source: input.source,
    documentId: input.documentId,
    policyVersion: `${policy.version}+${model.version}`,
    format: input.format,
    verdict: verdict.verdict,
    riskScore: verdict.riskScore,
    genre,
    reasons: verdict.reasons,
    disclaimers: disclaimerResults.map((found) => {
      const span =
        found.start !== undefined && found.end !== undefined
          ? view.toSource(found.start, found.end)
          : undefined;
      return {
        id: found.id,
        required: found.required,
        status: found.status,
        requiredBecause: found.requiredBecause,
        ...(found.status === 'altered' ? { missingParts: found.missingParts } : {}),
        ...(found.notes.length > 0 ? { notes: found.notes } : {}),
        ...(found.status !== 'present' ? { expectedText: found.definition.expectedText } : {}),
        ...(span ?? {}),
      };
    }),
    claims: listed.map((claim, index) => ({
      id: `claim-${index + 1}`,
      text: displayText(claim.sentence.text),
      ...view.toSource(claim.sentence.start, claim.sentence.end),
      categories: claim.categories,
      riskScore: claim.riskScore,
      riskLevel: claim.riskLevel,
      assertion: claim.assertion,
      factors: claim.factors,
      ...(claim.citationIds.length > 0 ? { citationIds: claim.citationIds } : {}),
    })),
    citations: citations.map((citation) => ({
      id: citation.id,
      text: citation.text,
      ...view.toSource(citation.start, citation.end),
      matchedReference: citation.matchedReference,
    })),
    references: references.map((reference) => ({
      id: reference.id,
      text: displayText(reference.text),
      ...view.toSource(reference.start, reference.end),
      number: reference.number,
      authors: reference.authors,
      year: reference.year,
      journal: reference.journal,
      title: reference.title,
      doi: reference.doi,
    })),
    stats: {
      characters: input.text.length,
      sentences: analysis.sentences.length,
      claims: claims.length,
      levels: countByLevel(claims),
      ms: Math.round((performance.now() - analysis.started) * 100) / 100,
    },
  };
}

function displayText(text: string): string {
  const collapsed = /\s{2}|[^\S ]/u.test(text) ? text.replace(/\s+/gu, ' ').trim() : text;
  return collapsed.length > MAX_CLAIM_TEXT ? `${collapsed.slice(0, MAX_CLAIM_TEXT - 1)}…` : collapsed;
}
