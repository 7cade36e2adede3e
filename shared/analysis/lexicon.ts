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
  /** `word*` entries, grouped by their first two characters. */
  prefixes: Map<number, Array<[string, TrieNode<Tag>]>>;
  ends: Array<{ tag: Tag; phrase: string }>;
  leaf: boolean;
}

const newNode = <Tag extends string>(): TrieNode<Tag> => ({
  exact: new Map(),
  prefixes: new Map(),
  ends: [],
  leaf: true,
});
const prefixKey = (word: string) => (word.charCodeAt(0) << 16) | (word.charCodeAt(1) || 0);

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
      node.leaf = false;
      if (word.endsWith('*')) {
        const prefix = word.slice(0, -1);
        // Grouped by two letters (a one-letter prefix by its letter alone), so few are tried per word.
        const key = prefixKey(prefix);
        const group = node.prefixes.get(key) ?? [];
        node.prefixes.set(key, group);
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
    for (let first = 0; first < tokens.length; first++) this.walk(this.root, tokens, first, first, matches);
    return matches;
  }

  private walk(
    node: TrieNode<Tag>,
    tokens: readonly Token[],
    first: number,
    at: number,
    matches: PhraseMatch<Tag>[],
  ): void {
    if (at >= tokens.length || at - first >= this.longest) return;
    const word = tokens[at]!.norm;
    const exact = node.exact.get(word);
    if (exact) this.visit(exact, tokens, first, at, matches);
    if (node.prefixes.size === 0) return;
    const twoLetters = node.prefixes.get(prefixKey(word));
    if (twoLetters)
      for (const [prefix, child] of twoLetters)
        if (word.startsWith(prefix)) this.visit(child, tokens, first, at, matches);
    const oneLetter = word.length > 1 ? node.prefixes.get(word.charCodeAt(0) << 16) : undefined;
    if (oneLetter)
      for (const [prefix, child] of oneLetter)
        if (word.startsWith(prefix)) this.visit(child, tokens, first, at, matches);
  }

  private visit(
    node: TrieNode<Tag>,
    tokens: readonly Token[],
    first: number,
    at: number,
    matches: PhraseMatch<Tag>[],
  ): void {
    for (const end of node.ends) matches.push({ tag: end.tag, phrase: end.phrase, first, last: at });
    if (!node.leaf) this.walk(node, tokens, first, at + 1, matches);
  }
}
