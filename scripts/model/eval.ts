// `npm run eval`: the engine on ../shared/corpus, scored as ../shared/corpus/score.mjs scores it, twice: with
// the model trained on every document (optimistic), and cross-validated (each fold judged by a model that
// never saw it; the figure to report and tune against), then a learning curve. `--misses` lists what the
// cross-validated run got wrong; `--json FILE` writes the figures.
import { writeFileSync } from 'node:fs';
import { corpusExists, loadCorpus } from './corpus.js';
import { crossValidate } from './cross-validate.js';
import { formatScores, scores } from './score.js';
import { DEFAULT_OPTIONS, evaluate, prepare, trainModel } from './train-lib.js';

if (!corpusExists()) {
  console.log('No labelled corpus at ../shared/corpus: nothing to evaluate.');
  process.exit(0);
}
const args = process.argv.slice(2);
const started = performance.now();
const prepared = prepare(loadCorpus());
const unreachable = prepared.reduce((sum, item) => sum + item.unreachable, 0);
console.log(
  `${prepared.length} documents analysed in ${Math.round(performance.now() - started)} ms; ` +
    `${unreachable} labelled claims stand in no sentence with a claim cue (no model can find them).`,
);

const all = scores(evaluate(prepared, trainModel(prepared, DEFAULT_OPTIONS)));
console.log(`trained on all documents:   ${formatScores(all)}`);
const crossValidated = crossValidate(prepared);
const cv = scores(crossValidated);
console.log(`cross-validated (5 folds):  ${formatScores(cv)}`);
if (args.includes('--misses')) for (const miss of crossValidated.misses) console.log(`  - ${miss}`);

console.log('learning curve (cross-validated, share of the training folds):');
const curve: Array<{ fraction: number } & ReturnType<typeof scores>> = [];
for (const fraction of [0.25, 0.5, 0.75, 1]) {
  const point = fraction === 1 ? cv : scores(crossValidate(prepared, fraction));
  curve.push({ fraction, ...point });
  console.log(`  ${String(fraction * 100).padStart(3)} %  ${formatScores(point)}`);
}
console.log(
  `SCORE verdict=${cv.verdict.toFixed(1)} recall=${cv.recall.toFixed(1)} fp=${cv.falseHigh.toFixed(1)} ` +
    `cites=${cv.citations.toFixed(1)} disclaimers=${cv.disclaimers.toFixed(1)} (cross-validated)`,
);
const jsonAt = args.indexOf('--json');
if (jsonAt >= 0 && args[jsonAt + 1]) {
  writeFileSync(
    args[jsonAt + 1]!,
    `${JSON.stringify({ trainedOnAll: all, crossValidated: cv, learningCurve: curve }, null, 2)}\n`,
  );
}
