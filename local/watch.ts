// `claimscan local --watch DIR`: uploads every draft dropped in DIR to the stack `npm start` runs, and prints
// each result. It connects through the state file npm start writes in its data folder, rather than starting
// a second stack: one stack, one set of results, and the summary's endpoints stay the ones to use.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createAwsClients } from '../shared/pipeline/config.js';
import { SUPPORTED_EXTENSIONS } from '../shared/read/index.js';
import { uploadDraft, waitForResult } from './drafts.js';
import { DEFAULT_DATA_DIR, readState } from './state.js';

export const WATCH_USAGE = `Usage: claimscan local --watch DIR [--data-dir ${DEFAULT_DATA_DIR}]
Uploads every .txt, .md or .html draft written to DIR to the local stack started by \`npm start\`.`;

export async function runWatch(argv: readonly string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { watch: { type: 'string' }, 'data-dir': { type: 'string', default: DEFAULT_DATA_DIR } },
    }));
  } catch (error) {
    console.error(`claimscan: ${(error as Error).message}\n\n${WATCH_USAGE}`);
    return 2;
  }
  const dir = values.watch;
  if (dir === undefined || !fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
    console.error(`claimscan: --watch needs a directory\n\n${WATCH_USAGE}`);
    return 2;
  }
  const state = readState(values['data-dir']);
  if (state === undefined) {
    console.error(
      `claimscan: no local stack is running on ${values['data-dir']}; start one with \`npm start\`.`,
    );
    return 2;
  }
  const clients = createAwsClients(state.target);
  const timers = new Map<string, NodeJS.Timeout>();
  const uploadFile = async (name: string) => {
    const file = path.join(dir, name);
    if (!fs.statSync(file, { throwIfNoEntry: false })?.isFile()) return;
    const draft = name.split(path.sep).join('/');
    const upload = await uploadDraft(clients, state.bucket, draft, fs.readFileSync(file));
    console.log(`uploaded ${draft} -> s3://${state.bucket}/${upload.key}`);
    const record = await waitForResult(clients, state.table, upload);
    const outcome = record.status === 'failed' ? `failed (${record.failure?.code})` : record.verdict;
    console.log(`${draft}: ${outcome}, risk ${record.riskScore ?? '-'}`);
  };
  console.log(`Watching ${dir} (Ctrl-C to stop); uploading to s3://${state.bucket}/drafts/local/`);
  const watcher = fs.watch(dir, { recursive: true }, (_event, name) => {
    if (name === null || !SUPPORTED_EXTENSIONS.includes(path.extname(name).toLowerCase())) return;
    // Editors write a file in several steps: upload once it has been quiet for a moment.
    clearTimeout(timers.get(name));
    timers.set(
      name,
      setTimeout(() => {
        timers.delete(name);
        uploadFile(name).catch((error: unknown) => console.error(`${name}: ${String(error)}`));
      }, 300),
    );
  });
  await new Promise<void>((resolve) => process.once('SIGINT', resolve));
  watcher.close();
  for (const timer of timers.values()) clearTimeout(timer);
  for (const client of Object.values(clients)) client.destroy();
  return 0;
}
