import { sentenceFeatures, type DraftContext } from '../../shared/analysis/features.js';
import { decideGenre, genreFeatures } from '../../shared/analysis/genre.js';
import type { ClaimModel, LinearModel } from '../../shared/analysis/model.js';
import type { ClaimCategory } from '../../shared/contract.js';
import { analyseText, judgeDraft, type DraftAnalysis } from '../../shared/engine.js';
import { genreOfKind, type CorpusDocument } from './corpus.js';
import { fitLogistic, type Example } from './logistic.js';
import { emptyTally, scoreDocument, type Tally } from './score.js';

/**
 * A scored sentence's label: a labelled risky claim, a labelled non-claim, any sentence of a reference or
 * non-health page (none is a claim), or an unlabelled sentence of a commercial page (probably not one).
 */
interface SentenceLabel {
  source: 'risky' | 'notClaim' | 'careful' | 'unlabelled';
  categories: string[];
}

export interface PreparedDocument {
  document: CorpusDocument;
  analysis: DraftAnalysis;
  /** By index into analysis.cues; only sentences the engine scores (those with a claim cue). */
  labels: Map<number, SentenceLabel>;
  /** Labelled risky claims no scored sentence covers: recall the model can never reach. */
  unreachable: number;
}

export interface TrainingOptions {
  l2: number;
  /** L2 penalty of the two genre models (draft-level shares are small numbers: a lighter penalty). */
  genreL2: number;
  /** Weight of unlabelled sentences of commercial drafts, read as probably not claims. */
  unlabelledWeight: number;
  /** Threshold targets, met on the training documents. */
  targetRecall: number;
  targetFalseHigh: number;
  version: string;
}

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
export const DEFAULT_OPTIONS: TrainingOptions = {
  l2: env('L2', 1),
  genreL2: env('GENRE_L2', 0.1),
  unlabelledWeight: env('UNLABELLED', 0.3),
  targetRecall: env('RECALL', 0.92),
  targetFalseHigh: env('FALSE_HIGH', 0.03),
  version: 'trained',
};

const overlap = (a: readonly [number, number], b: readonly [number, number]) =>
  Math.max(0, Math.min(a[1], b[1]) - Math.max(a[0], b[0]));

/** Analyses every document once and labels its scored sentences from the corpus labels. */
export function prepare(documents: readonly CorpusDocument[]): PreparedDocument[] {
  return documents.map((document) => {
    const analysis = analyseText({
      source: document.id,
      documentId: document.id,
      text: document.text,
      format: 'text',
    });
    const { text, label } = document;
    const spans = analysis.cues.map((cues) => {
      const { start, end } = analysis.view.toSource(cues.sentence.start, cues.sentence.end);
      return [start, end] as const;
    });
    const labels = new Map<number, SentenceLabel>();
    const careful = genreOfKind(label.kind) !== 'promotional';
    analysis.cues.forEach((cues, index) => {
      if (cues.words.length > 0)
        labels.set(index, { source: careful ? 'careful' : 'unlabelled', categories: [] });
    });
    let unreachable = 0;
    for (const risky of label.risky_claims) {
      const at = text.indexOf(risky.quote);
      if (at < 0) continue;
      const quote = [at, at + risky.quote.length] as const;
      let reached = false;
      spans.forEach((span, index) => {
        const shared = overlap(span, quote);
        if (shared < 0.5 * (quote[1] - quote[0]) && shared < 0.5 * (span[1] - span[0])) return;
        const sentence = labels.get(index);
        if (!sentence) return;
        reached = true;
        sentence.source = 'risky';
        sentence.categories.push(risky.category);
      });
      if (!reached) unreachable++;
    }
    for (const quote of label.not_claims) {
      const at = text.indexOf(quote);
      if (at < 0) continue;
      const span = [at, at + quote.length] as const;
      spans.forEach((sentenceSpan, index) => {
        const sentence = labels.get(index);
        if (!sentence || sentence.source === 'risky') return;
        if (
          overlap(sentenceSpan, span) >=
          0.5 * Math.min(span[1] - span[0], sentenceSpan[1] - sentenceSpan[0])
        )
          sentence.source = 'notClaim';
      });
    }
    return { document, analysis, labels, unreachable };
  });
}

/** Feature names in a fixed (sorted) order, so that training is deterministic. */
class FeatureIndex {
  private readonly index = new Map<string, number>();
  readonly names: string[];

  constructor(vectors: Iterable<ReadonlyMap<string, number>>) {
    const names = new Set<string>();
    for (const vector of vectors) for (const name of vector.keys()) names.add(name);
    this.names = [...names].sort();
    this.names.forEach((name, i) => this.index.set(name, i));
  }

  sparse(vector: ReadonlyMap<string, number>): Array<[number, number]> {
    const entries: Array<[number, number]> = [];
    for (const [name, value] of vector) {
      const i = this.index.get(name);
      if (i !== undefined) entries.push([i, value]);
    }
    return entries.sort((a, b) => a[0] - b[0]);
  }

  model(weights: number[]): LinearModel {
    const named: Record<string, number> = {};
    this.names.forEach((name, i) => {
      const weight = weights[i + 1]!;
      if (Math.abs(weight) >= 1e-4) named[name] = round(weight);
    });
    return { intercept: round(weights[0]!), weights: named };
  }
}

const round = (value: number) => Math.round(value * 1e4) / 1e4;

function fit(
  rows: ReadonlyArray<{ features: ReadonlyMap<string, number>; label: 0 | 1; weight: number }>,
  l2: number,
): LinearModel {
  const index = new FeatureIndex(rows.map((row) => row.features));
  // Each feature is scaled to a root mean square of 1 while fitting, so the penalty weighs a rare yes/no
  // feature and a small share alike; the weights are scaled back after.
  const scale = new Array<number>(index.names.length).fill(0);
  const sparse = rows.map((row) => index.sparse(row.features));
  for (const entries of sparse) for (const [i, value] of entries) scale[i]! += value * value;
  for (let i = 0; i < scale.length; i++) scale[i] = Math.sqrt(scale[i]! / Math.max(1, rows.length)) || 1;
  const examples: Example[] = rows.map((row, r) => ({
    features: sparse[r]!.map(([i, value]) => [i, value / scale[i]!] as [number, number]),
    label: row.label,
    weight: row.weight,
  }));
  const weights = fitLogistic(examples, index.names.length, { l2 });
  return index.model(weights.map((weight, i) => (i === 0 ? weight : weight / scale[i - 1]!)));
}

const LABEL_CATEGORIES: Record<string, ClaimCategory> = {
  disease_claim: 'disease_claim',
  drug_interaction: 'drug_interaction',
  quantitative_efficacy: 'quantitative_efficacy',
  establishment_claim: 'establishment_claim',
  safety_absolute: 'safety_absolute',
  dosage_advice: 'dosage_advice',
  other: 'general_health',
};

interface Row {
  features: Map<string, number>;
  label: 0 | 1;
  weight: number;
  categories: string[];
  hardNegative: boolean;
}

type GenreModels = ClaimModel['genre'];

const hasFdaStatement = (prepared: PreparedDocument) =>
  prepared.analysis.disclaimers.some(
    (found, index) =>
      prepared.analysis.policy.disclaimers[index]?.id === 'fda_structure_function' && found.status === 'present',
  );

/** The two genre classifiers: not about health (all documents), promotional (health documents). */
function fitGenre(documents: readonly PreparedDocument[], options: TrainingOptions): GenreModels {
  const rows = documents.map((prepared) => ({
    features: genreFeatures(prepared.analysis.cues, prepared.analysis.input.text, hasFdaStatement(prepared)),
    genre: genreOfKind(prepared.document.label.kind),
  }));
  return {
    nonHealth: fit(
      rows.map((row) => ({ features: row.features, label: row.genre === 'non_health' ? 1 : 0, weight: 1 })),
      options.genreL2,
    ),
    promotional: fit(
      rows
        .filter((row) => row.genre !== 'non_health')
        .map((row) => ({ features: row.features, label: row.genre === 'promotional' ? 1 : 0, weight: 1 })),
      options.genreL2,
    ),
  };
}

/** The labelled sentences of `documents` as training rows, their context read with `genre`. */
function sentenceRows(documents: readonly PreparedDocument[], genre: GenreModels, options: TrainingOptions): Row[] {
  const rows: Row[] = [];
  for (const prepared of documents) {
    const { analysis } = prepared;
    const fdaStatement = hasFdaStatement(prepared);
    const decided = decideGenre(analysis.cues, analysis.input.text, fdaStatement, { genre });
    const context: DraftContext = {
      promotional: decided.likelihood.promotional,
      reference: decided.likelihood.reference,
      nonHealth: decided.likelihood.non_health,
      topics: analysis.topics,
      fdaStatement,
    };
    const citationsBySentence = new Map<number, typeof analysis.citations>();
    for (const citation of analysis.citations) {
      const list = citationsBySentence.get(citation.sentenceIndex) ?? [];
      list.push(citation);
      citationsBySentence.set(citation.sentenceIndex, list);
    }
    for (const [index, label] of prepared.labels) {
      const cues = analysis.cues[index]!;
      const { features } = sentenceFeatures(
        cues,
        { previous: analysis.cues[index - 1], next: analysis.cues[index + 1] },
        context,
        analysis.vocabulary,
        citationsBySentence.get(cues.sentence.index) ?? [],
      );
      rows.push({
        features,
        label: label.source === 'risky' ? 1 : 0,
        weight: label.source === 'unlabelled' ? options.unlabelledWeight : 1,
        categories: label.categories,
        hardNegative: label.source === 'notClaim' || label.source === 'careful',
      });
    }
  }
  return rows;
}

/** Folds within the training documents, for choosing thresholds on scores of sentences no model saw. */
const INNER_FOLDS = 4;

/**
 * Trains the genre models, the claim model and the category models on `documents`. The thresholds are
 * chosen on out-of-fold scores of the same documents (an inner cross-validation), since scores of the
 * sentences a model was fitted on are too optimistic to set a false-positive rate by.
 */
export function trainModel(
  documents: readonly PreparedDocument[],
  options: TrainingOptions = DEFAULT_OPTIONS,
): ClaimModel {
  const genre = fitGenre(documents, options);
  const rows = sentenceRows(documents, genre, options);
  const claim = fit(rows, options.l2);

  const outOfFold: Array<{ row: Row; logit: number }> = [];
  for (let fold = 0; fold < INNER_FOLDS; fold++) {
    const inFold = (_: PreparedDocument, index: number) => index % INNER_FOLDS === fold;
    const training = documents.filter((document, index) => !inFold(document, index));
    const innerGenre = fitGenre(training, options);
    const innerClaim = fit(sentenceRows(training, innerGenre, options), options.l2);
    for (const row of sentenceRows(documents.filter(inFold), innerGenre, options))
      outOfFold.push({ row, logit: logOddsOf(innerClaim, row.features) });
  }
  const thresholds = chooseThresholds(outOfFold, options);

  const categories: Partial<Record<ClaimCategory, LinearModel>> = {};
  const positives = rows.filter((row) => row.label === 1);
  for (const [labelCategory, category] of Object.entries(LABEL_CATEGORIES)) {
    const count = positives.filter((row) => row.categories.includes(labelCategory)).length;
    if (count < 3) continue;
    categories[category] = fit(
      positives.map((row) => ({
        features: row.features,
        label: row.categories.includes(labelCategory) ? 1 : 0,
        weight: 1,
      })),
      options.l2 * 2,
    );
  }
  return {
    version: options.version,
    trainedOn: { documents: documents.length, sentences: rows.length, positives: positives.length },
    genre,
    claim,
    thresholds,
    categories,
  };
}

function logOddsOf(model: LinearModel, features: ReadonlyMap<string, number>): number {
  let sum = model.intercept;
  for (const [name, value] of features) sum += (model.weights[name] ?? 0) * value;
  return sum;
}

/**
 * Medium: the highest threshold that still flags `targetRecall` of the training claims. High: the lowest
 * threshold at which at most `targetFalseHigh` of the labelled non-claims would be high.
 */
function chooseThresholds(
  scored: ReadonlyArray<{ row: Row; logit: number }>,
  options: TrainingOptions,
): { medium: number; high: number } {
  const positives = scored
    .filter((item) => item.row.label === 1)
    .map((item) => item.logit)
    .sort((a, b) => a - b);
  const hardNegatives = scored
    .filter((item) => item.row.hardNegative)
    .map((item) => item.logit)
    .sort((a, b) => b - a);
  const medium = positives[Math.floor((1 - options.targetRecall) * positives.length)] ?? 0;
  const allowed = Math.floor(options.targetFalseHigh * hardNegatives.length);
  const high = Math.max(medium + 0.5, (hardNegatives[allowed] ?? medium) + 1e-3);
  return { medium: round(medium), high: round(high) };
}

/** Judges every document with the model and scores the results as the corpus scorer does. */
export function evaluate(
  documents: readonly PreparedDocument[],
  model: ClaimModel,
  tally: Tally = emptyTally(),
): Tally {
  for (const prepared of documents)
    scoreDocument(tally, prepared.document, judgeDraft(prepared.analysis, model));
  return tally;
}
