import { assignFolds, corpusExists, loadCorpus } from './corpus.js';
import { formatScores, scores } from './score.js';
import { DEFAULT_OPTIONS, evaluate, prepare, trainModel } from './train-lib.js';

if (!corpusExists()) {
  console.log('No labelled corpus at ../shared/corpus: nothing to evaluate.');
  process.exit(0);
}
const started = performance.now();
const documents = loadCorpus();
const prepared = prepare(documents);
const unreachable = prepared.reduce((sum, item) => sum + item.unreachable, 0);
console.log(
  `${documents.length} documents prepared in ${Math.round(performance.now() - started)} ms; ${unreachable} labelled claims in no scored sentence`,
);

const all = trainModel(prepared, DEFAULT_OPTIONS);
console.log(`trained on all:      ${formatScores(scores(evaluate(prepared, all)))}`);

const folds = assignFolds(documents);
const cv = evaluateFolds();
console.log(`cross-validated (5): ${formatScores(scores(cv))}`);
if (process.argv.includes('--misses')) for (const miss of cv.misses) console.log(`  - ${miss}`);

function evaluateFolds(fraction = 1) {
  let tally;
  for (let fold = 0; fold < 5; fold++) {
    const training = prepared.filter((item) => folds.get(item.document.id) !== fold);
    const used = training.slice(0, Math.round(training.length * fraction));
    const model = trainModel(used, DEFAULT_OPTIONS);
    tally = evaluate(
      prepared.filter((item) => folds.get(item.document.id) === fold),
      model,
      tally,
    );
  }
  return tally!;
}
