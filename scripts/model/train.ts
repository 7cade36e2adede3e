// `npm run train`: fits the engine's models on every labelled document of ../shared/corpus and writes them to
// shared/policy/claim-model.json. Deterministic: the same corpus and code give the same bytes.
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ClaimModel } from '../../shared/analysis/model.js';
import { corpusExists, loadCorpus } from './corpus.js';
import { DEFAULT_OPTIONS, prepare, trainModel } from './train-lib.js';

const MODEL_FILE = fileURLToPath(new URL('../../shared/policy/claim-model.json', import.meta.url));

if (!corpusExists()) {
  console.error('No labelled corpus at ../shared/corpus: nothing to train on.');
  process.exit(2);
}
const documents = loadCorpus();
const model = trainModel(prepare(documents), DEFAULT_OPTIONS);
// The version names what the model was trained from, so a result says which model judged it.
const fingerprint = createHash('sha256')
  .update(
    JSON.stringify({
      corpus: documents.map((document) => [document.id, document.text, document.label]),
      model,
    }),
  )
  .digest('hex')
  .slice(0, 12);
const json = `${JSON.stringify(ClaimModel.parse({ ...model, version: `model-${fingerprint}` }), null, 1)}\n`;
writeFileSync(MODEL_FILE, json);
console.log(
  `Wrote ${MODEL_FILE}: model-${fingerprint}, ${model.trainedOn.documents} documents, ` +
    `${model.trainedOn.sentences} sentences (${model.trainedOn.positives} claims), ${json.length} bytes.`,
);
