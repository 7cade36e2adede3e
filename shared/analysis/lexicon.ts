import type { Token } from './tokens.js';

export interface PhraseMatch<Tag extends string> {
  tag: Tag;
  phrase: string;
  /** Token indexes [first, last]. */
  first: number;
  last: number;
}

interface TrieNode<Tag extends string> {
  exact: Map<string, TrieNode<Tag>>;
  /** `word*` entries, grouped by their first character. */
  prefixes: Map<string, Array<[string, TrieNode<Tag>]>>;
  ends: Array<{ tag: Tag; phrase: string }>;
}

const newNode = <Tag extends string>(): TrieNode<Tag> => ({
  exact: new Map(),
  prefixes: new Map(),
  ends: [],
});

/**
 * Every policy phrase list in one token trie: a single walk from each token finds all tagged phrases that
 * start there, so matching costs tokens x longest phrase, whatever the number of phrases.
 */
export class Lexicon<Tag extends string> {
  private readonly root = newNode<Tag>();
  private longest = 1;

  constructor(lists: Record<Tag, readonly string[]>) {
    for (const tag of Object.keys(lists) as Tag[]) {
      for (const phrase of lists[tag]) this.add(tag, phrase);
    }
  }

  private add(tag: Tag, phrase: string): void {
    const words = phrase.toLowerCase().replace(/’/g, "'").split(' ');
    this.longest = Math.max(this.longest, words.length);
    let node = this.root;
    for (const word of words) {
      if (word.endsWith('*')) {
        const prefix = word.slice(0, -1);
        const group = node.prefixes.get(prefix[0] ?? '') ?? [];
        node.prefixes.set(prefix[0] ?? '', group);
        let entry = group.find(([existing]) => existing === prefix);
        if (!entry) {
          entry = [prefix, newNode<Tag>()];
          group.push(entry);
        }
        node = entry[1];
      } else {
        let next = node.exact.get(word);
        if (!next) {
          next = newNode<Tag>();
          node.exact.set(word, next);
        }
        node = next;
      }
    }
    if (!node.ends.some((end) => end.tag === tag)) node.ends.push({ tag, phrase });
  }

  /** All matches, in token order. */
  match(tokens: readonly Token[]): PhraseMatch<Tag>[] {
    const matches: PhraseMatch<Tag>[] = [];
    for (let first = 0; first < tokens.length; first++) {
      let frontier: TrieNode<Tag>[] = [this.root];
      for (
        let last = first;
        last < tokens.length && last - first < this.longest && frontier.length > 0;
        last++
      ) {
        const word = tokens[last]!.norm;
        const next: TrieNode<Tag>[] = [];
        for (const node of frontier) {
          const exact = node.exact.get(word);
          if (exact) next.push(exact);
          const group = node.prefixes.get(word[0] ?? '');
          if (group) for (const [prefix, child] of group) if (word.startsWith(prefix)) next.push(child);
        }
        for (const node of next) for (const end of node.ends) matches.push({ ...end, first, last });
        frontier = next;
      }
    }
    return matches;
  }
}
