// The largest drafts the pipeline takes (5 MiB), for the review API's response sizes: one of short risky
// sentences (tens of thousands of flagged claims, the worst case for a report), and one of ordinary articles.
// Shared by `npm run bench` and the integration test of the same case.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_DRAFT_BYTES } from '../shared/pipeline/resources.js';

/** Short risky sentences, a paragraph every eight, up to `bytes` (ASCII: a character is a byte). */
export function claimDenseDraft(bytes: number = MAX_DRAFT_BYTES - 200): string {
  const sentences = [
    'Magnesium cures depression and anxiety in most adults.',
    'Take 800 mg of our magnesium daily to reverse insomnia.',
    'Studies show it boosts the effect of SSRIs by 40%.',
    'It is completely safe for children and pregnant women.',
  ];
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const part = `${sentences[i % sentences.length]}${i % 8 === 7 ? '\n\n' : ' '}`;
    parts.push(part);
    size += part.length;
  }
  return parts.join('');
}

/** The repository's Markdown articles one after another, up to `bytes` of UTF-8. */
export function articlesDraft(root: string, bytes: number): string {
  const dirs = ['samples', 'test/fixtures/drafts'];
  const articles = dirs.flatMap((dir) =>
    readdirSync(join(root, dir))
      .filter((name) => name.endsWith('.md'))
      .sort()
      .map((name) => readFileSync(join(root, dir, name), 'utf8')),
  );
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; ; i++) {
    const article = `${articles[i % articles.length] ?? ''}\n\n`;
    const length = Buffer.byteLength(article);
    if (size + length > bytes) break;
    parts.push(article);
    size += length;
  }
  return parts.join('');
}
