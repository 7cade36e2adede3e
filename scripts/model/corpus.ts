import fs from 'node:fs';
import path from 'node:path';
import * as z from '../../shared/zod.js';

/** The labelled corpus handed to the project beside the repository; never copied into it. */
export const CORPUS_DIR = path.resolve(import.meta.dirname, '../../../shared/corpus');

export const corpusExists = () => fs.existsSync(path.join(CORPUS_DIR, 'labels'));

const DisclaimerLabel = z.union([z.boolean(), z.literal('altered')]);

const Label = z.object({
  kind: z.enum(['supplement-blog', 'fda-warning-letter', 'compliant-reference', 'non-health', 'tricky']),
  expected_verdict: z.enum(['review', 'pass']),
  disclaimers: z.record(z.string(), DisclaimerLabel),
  risky_claims: z.array(z.object({ quote: z.string(), category: z.string() })),
  not_claims: z.array(z.string()),
  unsupported_citations: z.array(z.string()),
});
export type CorpusLabel = z.infer<typeof Label>;

export interface CorpusDocument {
  id: string;
  text: string;
  label: CorpusLabel;
}

/** Every labelled document, sorted by id (the order folds and training depend on). */
export function loadCorpus(dir = CORPUS_DIR): CorpusDocument[] {
  const labelDir = path.join(dir, 'labels');
  return fs
    .readdirSync(labelDir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => {
      const id = file.slice(0, -'.json'.length);
      const label = Label.parse(JSON.parse(fs.readFileSync(path.join(labelDir, file), 'utf8')));
      const text = fs.readFileSync(path.join(dir, 'corpus', `${id}.txt`), 'utf8');
      return { id, text, label };
    });
}

/** The draft genre a label's kind implies: warning letters, blogs and hard cases are commercial text. */
export function genreOfKind(kind: CorpusLabel['kind']): 'promotional' | 'reference' | 'non_health' {
  if (kind === 'compliant-reference') return 'reference';
  if (kind === 'non-health') return 'non_health';
  return 'promotional';
}

/**
 * Five folds grouped by document, stratified by kind: documents of each kind are dealt to the folds in
 * turn, in a fixed shuffled order, so every fold holds every kind and a run is repeatable.
 */
export function assignFolds(documents: readonly CorpusDocument[], folds = 5, seed = 7): Map<string, number> {
  const byKind = new Map<string, CorpusDocument[]>();
  for (const document of documents) {
    const list = byKind.get(document.label.kind) ?? [];
    list.push(document);
    byKind.set(document.label.kind, list);
  }
  const random = seededRandom(seed);
  const assignment = new Map<string, number>();
  let next = 0;
  for (const kind of [...byKind.keys()].sort()) {
    const list = [...byKind.get(kind)!];
    for (let i = list.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [list[i], list[j]] = [list[j]!, list[i]!];
    }
    for (const document of list) assignment.set(document.id, next++ % folds);
  }
  return assignment;
}

/** A small deterministic generator (mulberry32), so folds and training never depend on Math.random. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
