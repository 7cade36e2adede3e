import { inContext, type DraftContext } from '../../shared/analysis/features.js';
import { genreEvidenceFeatures, genreLikelihoods } from '../../shared/analysis/genre.js';
import { createHash } from 'node:crypto';
import { ClaimModel, logOdds, probability, type LinearModel } from '../../shared/analysis/model.js';
import type { ClaimCategory } from '../../shared/contract.js';
import { analyseText, judgeDraft, type DraftAnalysis } from '../../shared/engine.js';
import { genreOfKind, type CorpusDocument } from './corpus.js';
import { fitLogistic, type Example } from './logistic.js';
import { emptyTally, scoreDocument, type Tally } from './score.js';

/**
 * A candidate sentence's label: a labelled risky claim, a labelled non-claim, any sentence of a reference or
 * non-health page (none is a claim), or an unlabelled sentence of a commercial page (probably not one).
 */
interface SentenceLabel {
  source: 'risky' | 'notClaim' | 'careful' | 'unlabelled';
  categories: string[];
}

export interface PreparedDocument {
  document: CorpusDocument;
  analysis: DraftAnalysis;
  /** One label per candidate sentence (analysis.candidates), in the same order. */
  labels: SentenceLabel[];
  /** Labelled risky claims that no candidate sentence covers: recall no model can reach. */
  unreachable: number;
}

export interface TrainingOptions {
  /** L2 penalty of the sentence models (features scaled to a root mean square of 1). */
  l2: number;
  /** L2 penalty of the two genre models, fitted on few documents. */
  genreL2: number;
  /** Weight of unlabelled sentences of commercial drafts, read as probably not claims. */
  unlabelledWeight: number;
  /** What taking a reference text for promotional costs, against the opposite mistake. */
  referenceCost: number;
  /** Threshold targets, met on out-of-fold scores of the training documents. */
  targetRecall: number;
  targetFalseHigh: number;
  version: string;
}

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
export const DEFAULT_OPTIONS: TrainingOptions = {
  l2: env('L2', 1),
  genreL2: env('GENRE_L2', 0.3),
  unlabelledWeight: env('UNLABELLED', 0.3),
  referenceCost: env('REFERENCE_COST', 5),
  targetRecall: env('RECALL', 0.9),
  targetFalseHigh: env('FALSE_HIGH', 0.01),
  version: 'trained',
};

const overlap = (a: readonly [number, number], b: readonly [number, number]) =>
  Math.max(0, Math.min(a[1], b[1]) - Math.max(a[0], b[0]));

/** Analyses every document once and labels its candidate sentences from the corpus labels. */
export function prepare(documents: readonly CorpusDocument[]): PreparedDocument[] {
  return documents.map((document) => {
    const analysis = analyseText({
      source: document.id,
      documentId: document.id,
      text: document.text,
      format: 'text',
    });
    const { text, label } = document;
    const spans = analysis.candidates.map(({ cues }) => {
      const { start, end } = analysis.view.toSource(cues.sentence.start, cues.sentence.end);
      return [start, end] as const;
    });
    const careful = genreOfKind(label.kind) !== 'promotional';
    const labels: SentenceLabel[] = spans.map(() => ({
      source: careful ? 'careful' : 'unlabelled',
      categories: [],
    }));
    let unreachable = 0;
    for (const risky of label.risky_claims) {
      const at = text.indexOf(risky.quote);
      if (at < 0) continue;
      const quote = [at, at + risky.quote.length] as const;
      let reached = false;
      spans.forEach((span, index) => {
        const shared = overlap(span, quote);
        if (shared < 0.5 * (quote[1] - quote[0]) && shared < 0.5 * (span[1] - span[0])) return;
        reached = true;
        labels[index]!.source = 'risky';
        labels[index]!.categories.push(risky.category);
      });
      if (!reached) unreachable++;
    }
    for (const quote of label.not_claims) {
      const at = text.indexOf(quote);
      if (at < 0) continue;
      const span = [at, at + quote.length] as const;
      spans.forEach((sentence, index) => {
        if (labels[index]!.source === 'risky') return;
        if (overlap(sentence, span) >= 0.5 * Math.min(span[1] - span[0], sentence[1] - sentence[0]))
          labels[index]!.source = 'notClaim';
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
const SCALE_FLOOR = 0.2;

interface Weighted {
  features: ReadonlyMap<string, number>;
  label: 0 | 1;
  weight: number;
}

function fit(rows: readonly Weighted[], l2: number): LinearModel {
  const index = new FeatureIndex(rows.map((row) => row.features));
  // Each feature is scaled to a root mean square of 1 while fitting, so the penalty weighs a rare yes/no
  // feature and a small share alike; the weights are scaled back after.
  const scale = new Array<number>(index.names.length).fill(0);
  const sparse = rows.map((row) => index.sparse(row.features));
  for (const entries of sparse) for (const [i, value] of entries) scale[i]! += value * value;
  // A rare feature (a genre share that is small almost everywhere) is scaled no further than SCALE_FLOOR, or
  // its few rows would buy it a weight out of all proportion.
  for (let i = 0; i < scale.length; i++)
    scale[i] = Math.max(SCALE_FLOOR, Math.sqrt(scale[i]! / Math.max(1, rows.length)));
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

interface Row extends Weighted {
  features: Map<string, number>;
  categories: string[];
  hardNegative: boolean;
}

/** A document's candidate sentences as rows, with their own features or (given a context) in context. */
function rowsOf(prepared: PreparedDocument, options: TrainingOptions, context?: DraftContext): Row[] {
  return prepared.analysis.candidates.map((candidate, index) => {
    const label = prepared.labels[index]!;
    return {
      features: context ? inContext(candidate.features, context) : candidate.features,
      label: label.source === 'risky' ? 1 : 0,
      weight: label.source === 'unlabelled' ? options.unlabelledWeight : 1,
      categories: label.categories,
      hardNegative: label.source === 'notClaim' || label.source === 'careful',
    };
  });
}

type GenreModels = ClaimModel['genre'];

/** A document's genre features: its cues, and how claim-like its sentences are by the content model. */
function documentGenreFeatures(
  prepared: PreparedDocument,
  likelihoods: readonly number[],
): Map<string, number> {
  const { analysis } = prepared;
  return genreEvidenceFeatures({
    cues: analysis.cues,
    text: analysis.input.text,
    fdaStatement: analysis.fdaStatement,
    claimLikelihoods: likelihoods,
  });
}

/** The two genre classifiers: not about health (all documents), promotional (health documents). */
function fitGenre(
  documents: readonly PreparedDocument[],
  likelihoods: ReadonlyMap<string, number[]>,
  options: TrainingOptions,
): GenreModels {
  const rows = documents.map((prepared) => ({
    features: documentGenreFeatures(prepared, likelihoods.get(prepared.document.id)!),
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

/** The genre likelihoods the claim model reads, as the engine computes them (shared/analysis/genre.ts). */
function contextOf(
  prepared: PreparedDocument,
  genre: GenreModels,
  likelihoods: readonly number[],
): DraftContext {
  const { likelihood } = genreLikelihoods(documentGenreFeatures(prepared, likelihoods), genre);
  // The claim model reads the likelihoods only; the kind matters to the rules, not to its features.
  return {
    kind: 'promotional',
    nonHealth: likelihood.non_health,
    promotional: likelihood.promotional,
    reference: likelihood.reference,
    fdaStatement: prepared.analysis.fdaStatement === 'present',
  };
}

function claimRows(
  documents: readonly PreparedDocument[],
  genre: GenreModels,
  likelihoods: ReadonlyMap<string, number[]>,
  options: TrainingOptions,
): Row[] {
  return documents.flatMap((prepared) =>
    rowsOf(prepared, options, contextOf(prepared, genre, likelihoods.get(prepared.document.id)!)),
  );
}

/** Folds within the training documents, for scores of documents no model saw. */
const INNER_FOLDS = 4;
const innerFold = (index: number) => index % INNER_FOLDS;

/**
 * Trains the engine's models on `documents`: the content model (a sentence on its own), the genre models
 * (which read how claim-like the content model finds a draft's sentences), the claim model (a sentence in
 * its draft's genre), the category models, and the thresholds. Everything a later stage reads of an earlier
 * one for a training document comes from a model that did not see that document (an inner cross-validation),
 * since scores of the data a model was fitted on are too good to set a false-positive rate by.
 */
export function trainModel(
  documents: readonly PreparedDocument[],
  options: TrainingOptions = DEFAULT_OPTIONS,
): ClaimModel {
  const content = fit(
    documents.flatMap((prepared) => rowsOf(prepared, options)),
    options.l2,
  );
  const likelihoods = new Map<string, number[]>();
  for (let fold = 0; fold < INNER_FOLDS; fold++) {
    const training = documents.filter((_, index) => innerFold(index) !== fold);
    const foldContent = fit(
      training.flatMap((prepared) => rowsOf(prepared, options)),
      options.l2,
    );
    documents.forEach((prepared, index) => {
      if (innerFold(index) !== fold) return;
      likelihoods.set(
        prepared.document.id,
        prepared.analysis.candidates.map((candidate) => probability(foldContent, candidate.features)),
      );
    });
  }

  const genre = fitGenre(documents, likelihoods, options);
  const rows = claimRows(documents, genre, likelihoods, options);
  const claim = fit(rows, options.l2);

  const outOfFold: Array<{ row: Row; logit: number }> = [];
  const genreOutOfFold: Array<{ promotional: boolean; p: number }> = [];
  for (let fold = 0; fold < INNER_FOLDS; fold++) {
    const training = documents.filter((_, index) => innerFold(index) !== fold);
    const foldGenre = fitGenre(training, likelihoods, options);
    const foldClaim = fit(claimRows(training, foldGenre, likelihoods, options), options.l2);
    const held = documents.filter((_, index) => innerFold(index) === fold);
    for (const row of claimRows(held, foldGenre, likelihoods, options))
      outOfFold.push({ row, logit: logOdds(foldClaim, row.features) });
    for (const prepared of held) {
      const genreOfDocument = genreOfKind(prepared.document.label.kind);
      if (genreOfDocument === 'non_health' || prepared.analysis.fdaStatement !== 'missing') continue;
      const features = documentGenreFeatures(prepared, likelihoods.get(prepared.document.id)!);
      genreOutOfFold.push({
        promotional: genreOfDocument === 'promotional',
        p: genreLikelihoods(features, foldGenre).promotionalIfHealth,
      });
    }
  }
  const thresholds = {
    ...chooseThresholds(outOfFold, options),
    promotional: choosePromotionalCutoff(genreOutOfFold, options.referenceCost),
  };

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
    content,
    claim,
    thresholds,
    categories,
  };
}

/**
 * The cutoff on "promotional, given a health draft" that costs least on out-of-fold likelihoods, a reference
 * text taken for promotional costing `referenceCost` times a promotional draft taken for a reference text
 * (the first is asked for disclaimers it does not need; the second still has its claims scored).
 */
function choosePromotionalCutoff(
  scored: ReadonlyArray<{ promotional: boolean; p: number }>,
  referenceCost: number,
): number {
  const candidates = [...new Set(scored.map((item) => item.p))].sort((a, b) => a - b);
  let best = { cutoff: 0.5, cost: Number.POSITIVE_INFINITY };
  for (let i = 0; i <= candidates.length; i++) {
    // Midway between neighbouring likelihoods, so that the cutoff does not sit on a training document.
    const cutoff = i === 0 ? 0 : i === candidates.length ? 1 : (candidates[i - 1]! + candidates[i]!) / 2;
    let cost = 0;
    for (const item of scored) {
      if (item.promotional && item.p < cutoff) cost += 1;
      if (!item.promotional && item.p >= cutoff) cost += referenceCost;
    }
    if (cost < best.cost) best = { cutoff, cost };
  }
  return round(Math.min(0.95, Math.max(0.05, best.cutoff)));
}

/**
 * Medium: the highest threshold that still flags `targetRecall` of the claims. High: the lowest threshold
 * at which at most `targetFalseHigh` of the non-claims (labelled ones, and reference and non-health pages)
 * would be high.
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

/**
 * The committed model file's bytes: the model with a version naming what it was trained from (so a result
 * says which model judged it), validated by its schema.
 */
export function modelFile(documents: readonly CorpusDocument[], model: Omit<ClaimModel, 'version'>): string {
  const fingerprint = createHash('sha256')
    .update(
      JSON.stringify({
        corpus: documents.map((document) => [document.id, document.text, document.label]),
        model,
      }),
    )
    .digest('hex')
    .slice(0, 12);
  return `${JSON.stringify(ClaimModel.parse({ ...model, version: `model-${fingerprint}` }), null, 1)}\n`;
}
