import { ClaimAnalyser } from './analysis/claims.js';
import { findCitations, matchCitations, parseReferences } from './analysis/citations.js';
import { findDisclaimers } from './analysis/disclaimers.js';
import { segmentSentences } from './analysis/sentences.js';
import { findStructure } from './analysis/structure.js';
import { decideVerdict, disclaimerRequirement, draftSignals } from './analysis/verdict.js';
import type { DraftFormat, ModerationResult } from './contract.js';
import { defaultPolicy, type Policy } from './policy/index.js';
import { decodeDraft, DEFAULT_MAX_BYTES, detectFormat, readDraft } from './read/index.js';

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
  maxBytes?: number;
}

/** Reads, analyses and scores one draft. Throws DraftError when the draft cannot be moderated. */
export function moderateDraft(input: DraftInput, options: EngineOptions = {}): ModerationResult {
  const format = detectFormat(input.name, input.contentType);
  const text = decodeDraft(input.bytes, options.maxBytes ?? DEFAULT_MAX_BYTES);
  return moderateText({ source: input.source, documentId: input.documentId, text, format }, options.policy);
}

export interface TextInput {
  source: string;
  documentId: string;
  text: string;
  format: DraftFormat;
}

const analysers = new WeakMap<Policy, ClaimAnalyser>();

/** The engine on decoded text; offsets in the result are UTF-16 offsets into `input.text`. */
export function moderateText(input: TextInput, policy: Policy = defaultPolicy): ModerationResult {
  const started = performance.now();
  let analyser = analysers.get(policy);
  if (!analyser) {
    analyser = new ClaimAnalyser(policy);
    analysers.set(policy, analyser);
  }

  const view = readDraft(input.text, input.format);
  const sentences = segmentSentences(view);
  const structure = findStructure(view, policy.triggers.referenceHeadings, policy.triggers.navigationCues);
  const disclaimers = findDisclaimers(view.text, sentences, policy.disclaimers);

  const insideDisclaimer = (start: number, end: number) =>
    disclaimers.some(
      (found) =>
        found.start !== undefined && found.end !== undefined && start < found.end && end > found.start,
    );
  const body = sentences.filter(
    (sentence) =>
      !structure.referenceBlocks.has(sentence.blockIndex) &&
      !structure.navigationBlocks.has(sentence.blockIndex) &&
      !insideDisclaimer(sentence.start, sentence.end),
  );

  const citations = findCitations(body);
  const references = parseReferences(structure.referenceEntries);
  matchCitations(citations, references);

  const { claims, signals } = analyser.analyse(body, citations);

  const draft = draftSignals(signals, claims);
  // findDisclaimers answers in the policy's order, one result per definition.
  const disclaimerResults = disclaimers.map((found, index) => {
    const definition = policy.disclaimers[index]!;
    const { required, because } = disclaimerRequirement(definition.requiredWhen, draft);
    return { ...found, required, requiredBecause: because, expectedText: definition.expectedText };
  });
  const verdict = decideVerdict(policy, claims, disclaimerResults, citations);

  return {
    source: input.source,
    documentId: input.documentId,
    policyVersion: policy.version,
    format: input.format,
    verdict: verdict.verdict,
    riskScore: verdict.riskScore,
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
        ...(found.status !== 'present' ? { expectedText: found.expectedText } : {}),
        ...(span ?? {}),
      };
    }),
    claims: claims.map((claim, index) => ({
      id: `claim-${index + 1}`,
      text: displayText(claim.sentence.text),
      ...view.toSource(claim.sentence.start, claim.sentence.end),
      categories: claim.categories,
      riskScore: claim.riskScore,
      riskLevel: claim.riskLevel,
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
      sentences: sentences.length,
      claims: claims.length,
      ms: Math.round((performance.now() - started) * 100) / 100,
    },
  };
}

function displayText(text: string): string {
  const collapsed = /\s{2}|[^\S ]/u.test(text) ? text.replace(/\s+/gu, ' ').trim() : text;
  return collapsed.length > MAX_CLAIM_TEXT ? `${collapsed.slice(0, MAX_CLAIM_TEXT - 1)}…` : collapsed;
}
