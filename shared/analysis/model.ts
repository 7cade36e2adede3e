import { CLAIM_CATEGORIES, type ClaimCategory } from '../contract.js';
import * as z from '../zod.js';

/** A linear model over named features: the log-odds are the intercept plus each feature times its weight. */
export const LinearModel = z.object({
  intercept: z.number(),
  weights: z.record(z.string(), z.number()),
});
export type LinearModel = z.infer<typeof LinearModel>;

/**
 * The learned part of the engine, trained by `npm run train` from the labelled corpus and committed as
 * data. Thresholds are on the claim model's log-odds and were chosen on the training data only.
 */
export const ClaimModel = z.object({
  version: z.string().check(z.minLength(1)),
  trainedOn: z.object({ documents: z.number(), sentences: z.number(), positives: z.number() }),
  genre: z.object({
    /** Log-odds that a draft is not about health at all. */
    nonHealth: LinearModel,
    /** Log-odds that a health draft promotes or sells (rather than informs). */
    promotional: LinearModel,
  }),
  /** Log-odds that a sentence is a risky claim from its own features alone: the genre model reads its average. */
  content: LinearModel,
  /** Log-odds that a sentence is a risky claim, its features read in the draft's genre. */
  claim: LinearModel,
  thresholds: z.object({
    medium: z.number(),
    high: z.number(),
    /** The probability from which a health draft is taken to be promotional rather than a reference text. */
    promotional: z.number().check(z.gte(0), z.lte(1)),
  }),
  /** Per-category models, for the categories the corpus labels; the others are decided by rules. */
  categories: z.partialRecord(z.enum(CLAIM_CATEGORIES), LinearModel),
});
export type ClaimModel = z.infer<typeof ClaimModel>;

/** A model's weights as a Map, built once per model: a record of hundreds of names is a slow dictionary. */
const weightMaps = new WeakMap<LinearModel, ReadonlyMap<string, number>>();

function weightsOf(model: LinearModel): ReadonlyMap<string, number> {
  let weights = weightMaps.get(model);
  if (!weights) {
    weights = new Map(Object.entries(model.weights));
    weightMaps.set(model, weights);
  }
  return weights;
}

/** Named values a model reads after the features (the draft's context), group by group. */
export type ExtraFeatures = ReadonlyArray<ReadonlyArray<readonly [string, number]>>;

export function logOdds(
  model: LinearModel,
  features: ReadonlyMap<string, number>,
  extra: ExtraFeatures = [],
): number {
  const weights = weightsOf(model);
  // A plain function over an accumulator object rather than a closure: a closure's running sum is a captured
  // double, boxed anew at every feature.
  const accumulator: Accumulator = { sum: model.intercept, weights };
  features.forEach(addWeighted, accumulator);
  for (const group of extra) for (const [name, value] of group) addWeighted.call(accumulator, value, name);
  return accumulator.sum;
}

interface Accumulator {
  sum: number;
  weights: ReadonlyMap<string, number>;
}

function addWeighted(this: Accumulator, value: number, name: string): void {
  this.sum += (this.weights.get(name) ?? 0) * value;
}

export function probability(
  model: LinearModel,
  features: ReadonlyMap<string, number>,
  extra: ExtraFeatures = [],
): number {
  const z = logOdds(model, features, extra);
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** Each feature's share of the log-odds (the extra features' too), largest first. */
export function contributions(
  model: LinearModel,
  features: ReadonlyMap<string, number>,
  extra: ExtraFeatures = [],
): Array<{ name: string; value: number }> {
  const weights = weightsOf(model);
  const parts: Array<{ name: string; value: number }> = [];
  const add = (value: number, name: string) => {
    const weight = weights.get(name);
    if (weight !== undefined && weight !== 0) parts.push({ name, value: weight * value });
  };
  features.forEach(add);
  for (const group of extra) for (const [name, value] of group) add(value, name);
  return parts.sort((a, b) => Math.abs(b.value) - Math.abs(a.value) || a.name.localeCompare(b.name));
}

export type { ClaimCategory };
