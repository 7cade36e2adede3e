import { assignFolds, seededRandom } from './corpus.js';
import { emptyTally, type Tally } from './score.js';
import {
  DEFAULT_OPTIONS,
  evaluate,
  trainModel,
  type PreparedDocument,
  type TrainingOptions,
} from './train-lib.js';

export const FOLDS = 5;

/**
 * Five-fold cross-validation grouped by document: each fold is judged by a model trained on the other four
 * only (thresholds included), so every figure is on documents the model never saw. `fraction` trains on
 * that share of the training folds, the same share of each kind (for the learning curve).
 */
export function crossValidate(
  prepared: readonly PreparedDocument[],
  fraction = 1,
  options: TrainingOptions = DEFAULT_OPTIONS,
): Tally {
  const folds = assignFolds(prepared.map((item) => item.document));
  let tally = emptyTally();
  for (let fold = 0; fold < FOLDS; fold++) {
    const training = sample(
      prepared.filter((item) => folds.get(item.document.id) !== fold),
      fraction,
    );
    const model = trainModel(training, options);
    tally = evaluate(
      prepared.filter((item) => folds.get(item.document.id) === fold),
      model,
      tally,
    );
  }
  return tally;
}

/** The given share of the documents of each kind, chosen by a fixed seed (the whole set at 1). */
function sample(documents: readonly PreparedDocument[], fraction: number): PreparedDocument[] {
  if (fraction >= 1) return [...documents];
  const random = seededRandom(11);
  const byKind = new Map<string, PreparedDocument[]>();
  for (const item of documents) {
    const list = byKind.get(item.document.label.kind) ?? [];
    list.push(item);
    byKind.set(item.document.label.kind, list);
  }
  const chosen: PreparedDocument[] = [];
  for (const kind of [...byKind.keys()].sort()) {
    const list = [...byKind.get(kind)!];
    for (let i = list.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [list[i], list[j]] = [list[j]!, list[i]!];
    }
    chosen.push(...list.slice(0, Math.max(1, Math.round(list.length * fraction))));
  }
  return chosen.sort((a, b) => a.document.id.localeCompare(b.document.id));
}
