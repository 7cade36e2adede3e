// `npm run train`: fits the engine's models on every labelled document of ../shared/corpus and writes them to
// shared/policy/claim-model.json. Deterministic: the same corpus and code give the same bytes.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ClaimModel } from '../../shared/analysis/model.js';
import { corpusExists, loadCorpus } from './corpus.js';
import { DEFAULT_OPTIONS, modelFile, prepare, trainModel } from './train-lib.js';

const MODEL_FILE = fileURLToPath(new URL('../../shared/policy/claim-model.json', import.meta.url));

if (!corpusExists()) {
  console.error('No labelled corpus at ../shared/corpus: nothing to train on.');
  process.exit(2);
}
const documents = loadCorpus();
const model = trainModel(prepare(documents), DEFAULT_OPTIONS);
const json = modelFile(documents, model);
writeFileSync(MODEL_FILE, json);
console.log(
  `Wrote ${MODEL_FILE}: ${ClaimModel.parse(JSON.parse(json)).version}, ${model.trainedOn.documents} documents, ` +
    `${model.trainedOn.sentences} sentences (${model.trainedOn.positives} claims), ${json.length} bytes.`,
);
