import { screenedTest, screenFor } from './patterns.js';
import type { Sentence } from './sentences.js';

/** An in-text citation, in analysis offsets. */
export interface FoundCitation {
  id: string;
  start: number;
  end: number;
  text: string;
  sentenceIndex: number;
  /**
   * numeric: "[3]", "¹", "body.1"; author_year: "(Smith, 2019)"; source_year: a journal or an organisation
   * ("a study in Nutrients (2018)", "the CDC estimates"); doi; study: a particular study told by its
   * description alone ("In one study, adults with ..."), which only a reference list could resolve.
   */
  kind: 'numeric' | 'author_year' | 'source_year' | 'doi' | 'study';
  numbers: number[];
  /** Author surnames or a journal name, as written. */
  names: string[];
  year: number | null;
  doi: string | null;
  matchedReference: string | null;
}

export interface FoundReference {
  id: string;
  start: number;
  end: number;
  text: string;
  number: number | null;
  authors: string[];
  year: number | null;
  journal: string | null;
  title: string | null;
  doi: string | null;
  /** Normalised text, padded with spaces, for whole-word containment tests. */
  searchable: string;
  /** For a DOI or web address in the body: the sentence it stands in, whose citations it resolves. */
  sentenceIndex?: number;
}

const INLINE_SOURCE = /\bhttps?:\/\/[^\s"<>)\]]+[^\s"<>)\].,;]|\b10\.\d{4,9}\/[^\s"<>)\]]+[^\s"<>)\].,;]/giu;

/**
 * DOIs and web addresses in the body: a citation in the same sentence is resolved by its own link. Only the
 * first MAX_CITATIONS count, as for citations: no more citations than that are checked, and a draft of links
 * would otherwise list each as a reference.
 */
export function findInlineSources(
  sentences: readonly Sentence[],
): Array<{ start: number; end: number; text: string; sentenceIndex: number }> {
  const sources: Array<{ start: number; end: number; text: string; sentenceIndex: number }> = [];
  for (const sentence of sentences) {
    if (!sentence.text.includes('10.') && !sentence.text.includes('http')) continue;
    for (const match of sentence.text.matchAll(INLINE_SOURCE)) {
      const start = sentence.start + match.index;
      sources.push({ start, end: start + match[0].length, text: match[0], sentenceIndex: sentence.index });
      if (sources.length === MAX_CITATIONS) return sources;
    }
  }
  return sources;
}

/** Citations no reference matched, resolved by a DOI or web address standing in their own sentence. */
export function resolveInline(citations: FoundCitation[], references: readonly FoundReference[]): void {
  const inline = new Map<number, string>();
  for (const reference of references)
    if (reference.sentenceIndex !== undefined && !inline.has(reference.sentenceIndex))
      inline.set(reference.sentenceIndex, reference.id);
  if (inline.size === 0) return;
  for (const citation of citations)
    if (citation.matchedReference === null)
      citation.matchedReference = inline.get(citation.sentenceIndex) ?? null;
}

const YEAR = /\b(?:19|20)\d{2}\b/;
const DOI = /\b10\.\d{4,9}\/[^\s"<>)\]]+[^\s"<>)\].,;]/i;
const STUDY_IN =
  /\b(?:study|studies|trial|trials|review|meta-analysis|analysis|research|paper|report|survey|article|experiment|(?:researchers|scientists|authors|investigators)(?:\s+(?:writing|publishing|reporting))?)(?:,?\s+(?:[\p{Ll}]+ly\s+)?(?:published|appearing))?\s+in\s+(?:the\s+)?|\b(?:according\s+to|published\s+in|(?:source|sources|adapted\s+from|courtesy\s+of):)\s+(?:the\s+|an?\s+)?/giu;
const STUDY_IN_SCREEN = screenFor(STUDY_IN);
/** An organisation that reports something: "The World Health Organization advises", "the CDC estimates". */
const ORGANISATION_VERB =
  /\b(?:estimates?|estimated|recommends?|recommended|advises?|advised|reports?|reported|says|said|states?|stated|lists?|listed|warns?|warned|suggests?|suggested|notes?|noted|finds|found|concludes?|concluded|explains?|explained|confirms?|confirmed|published)\b/u;
const ORGANISATION_VERBS = new RegExp(ORGANISATION_VERB.source, 'gu');
const ORGANISATION_HEAD =
  /^(?:Centers?|Centres?|Institutes?|Organi[sz]ations?|Clinic|Association|Society|Foundation|University|College|Administration|Agency|Department|Council|Academy|Hospital|School|Service|Commission|Committee|Authority|Ministry|Journal|Review|Lancet|Agency|Bureau|Board)$/u;
const ACRONYM = /^[A-Z]{2,6}$/u;
// Every superscript digit is in the BMP: no `u` flag, which would make every scan slower.
const SUPERSCRIPT = /[\u2070\u00b9\u00b2\u00b3\u2074-\u2079]+/g;
const SUPERSCRIPT_SCREEN = screenFor(SUPERSCRIPT);
const SUPERSCRIPT_DIGITS = '⁰¹²³⁴⁵⁶⁷⁸⁹';
/**
 * Digits glued to the end of a word or sentence ("body.1", "weeks2"): a citation mark if the draft numbers
 * them in turn. The leading (?=\d) tries the lookbehind at digits only.
 */
const GLUED_DIGITS = /(?=\d)(?<=\p{Ll}{3}|\p{Ll}[.,;:)”"’])(\d{1,2})(?=[\s*,.;:)]|$)/gu;
/**
 * A particular study told by its description: "In one study", "A long-term study of 150 men", "2004 Study
 * Shows". A "review" counts when it reviews something ("a 2020 review of five studies"), not a product review.
 */
const STUDY_MENTION =
  /(?:\b(?:[Ii]n|[Bb]ased\s+on|[Ff]rom)\s+(?:(?:19|20)\d{2},?\s+)?)?(?:\b(?:19|20)\d{2}\s+|\[?\b(?:[Aa]|[Aa]n|[Oo]ne|[Aa]nother|[Tt]wo|[Tt]hree|[Ff]our|[Ff]ive|[Ss]ix|[Tt]en|[Ss]everal|[Dd]ozens\s+of|[Hh]undreds\s+of|a\s+handful\s+of|[Mm]ore\s+than\s+\d+|[Oo]ver\s+\d+|\d+)\]?\s+)(?:[\p{L}-]+\s+){0,3}?(?:[Ss]tudy|[Ss]tudies|[Tt]rial|[Tt]rials|[Rr]eview(?=\s+(?:of|published|found|showed|concluded))|[Ss]urvey|[Mm]eta-analysis|[Ee]xperiment)\b/gu;
const namesAStudy = screenedTest(/\b(?:stud(?:y|ies)|trials?|review|survey|meta-analysis|experiment)\b/iu);
/** A clause shorter than this ("In one study,") is the study's name only with the clause it opens. */
const SHORT_CLAUSE = 30;
const MAX_DESCRIPTION = 200;
const DOI_ALL = new RegExp(DOI.source, 'gi');
const NUMERIC = /\[\^?(\d{1,4}(?:\s*[,–-]\s*\d{1,4}){0,20})\]/g;
const PAREN_YEAR = /\(((?:19|20)\d{2})[a-z]?\)/g;
const NAME_WORD = /^[\p{Lu}][\p{L}'’.-]*$/u;
const CONNECTORS = new Set(['of', 'and', '&', 'in', 'for', 'the', 'de', 'on']);
const MAX_NAME_WORDS = 8;

/**
 * The most in-text citations checked in one draft. Health articles cite tens, a long review a few hundred;
 * past this a draft is padded with marks, and checking each one would cost time and memory without bound.
 */
export const MAX_CITATIONS = 2000;

export interface FoundCitations {
  /** The first MAX_CITATIONS, in text order. */
  citations: FoundCitation[];
  /** Whether the draft holds more, which were not checked. */
  capped: boolean;
}

/**
 * In-text citations of the given sentences, in text order. Without a reference list, a study told only by
 * its description ("In one study, ...") is a citation too: nothing in the draft can resolve it.
 */
export function findCitations(sentences: readonly Sentence[], hasReferenceList: boolean): FoundCitations {
  const citations: FoundCitation[] = [];
  const marks = superscriptMarks(sentences);
  for (const sentence of sentences) {
    if (citations.length > MAX_CITATIONS) break;
    const text = sentence.text;
    const found = new SpanSet<Omit<FoundCitation, 'id' | 'matchedReference'>>();
    const add: AddCitation = (citation) => {
      // Most spans of a draft padded with marks overlap one taken: test before building the citation.
      if (!found.fits(citation)) return;
      const cited = text.slice(citation.start - sentence.start, citation.end - sentence.start);
      found.push({ ...citation, text: cited, sentenceIndex: sentence.index });
    };
    // Each pass finds citations left to right; a later pass never takes a span an earlier one took.
    if (STUDY_IN_SCREEN.test(text)) findSourceCitations(sentence, add);
    found.endPass();
    if (text.includes('(')) findParentheticalCitations(sentence, add, () => found.endPass());
    found.endPass();
    if (ORGANISATION_VERB.test(text)) findOrganisationCitations(sentence, add);
    found.endPass();
    if (text.includes('[')) {
      for (const match of text.matchAll(NUMERIC)) {
        const start = sentence.start + match.index;
        add({
          start,
          end: start + match[0].length,
          kind: 'numeric',
          numbers: expandNumbers(match[1]!),
          names: [],
          year: null,
          doi: null,
        });
      }
      found.endPass();
    }
    for (const mark of marks.get(sentence.index) ?? []) add(mark);
    found.endPass();
    if (text.includes('10.')) {
      for (const match of text.matchAll(DOI_ALL)) {
        const start = sentence.start + match.index;
        const doi = match[0].toLowerCase();
        add({ start, end: start + match[0].length, kind: 'doi', numbers: [], names: [], year: null, doi });
      }
      found.endPass();
    }
    if (!hasReferenceList && namesAStudy(text)) findStudyMentions(sentence, add);
    for (const citation of found.items()) {
      citations.push({ ...citation, id: `cite-${citations.length + 1}`, matchedReference: null });
      if (citations.length > MAX_CITATIONS) break;
    }
  }
  const capped = citations.length > MAX_CITATIONS;
  if (capped) citations.length = MAX_CITATIONS;
  return { citations, capped };
}

type CitationSpan = Parameters<AddCitation>[0];

/**
 * Superscript marks ("¹", "calm.1", "weeks2"), by sentence index. Glued digits count only when the draft
 * numbers them from 1 ("omega3" or "covid19" alone are names, not marks). A mark's span reaches back to
 * the start of its clause: the mark alone says nothing about what it supports.
 */
function superscriptMarks(sentences: readonly Sentence[]): Map<number, CitationSpan[]> {
  const marks = new Map<number, CitationSpan[]>();
  const glued: Array<{ sentence: Sentence; at: number; length: number; value: number }> = [];
  const push = (sentence: Sentence, at: number, length: number, value: number) => {
    const clause = clauseStart(sentence.text, at);
    const list = marks.get(sentence.index) ?? [];
    list.push({
      start: sentence.start + clause,
      end: sentence.start + at + length,
      kind: 'numeric',
      numbers: [value],
      names: [],
      year: null,
      doi: null,
    });
    marks.set(sentence.index, list);
  };
  for (const sentence of sentences) {
    const text = sentence.text;
    if (SUPERSCRIPT_SCREEN.test(text))
      for (const match of text.matchAll(SUPERSCRIPT)) {
        if (match.index === 0) continue;
        const value = Number([...match[0]].map((digit) => SUPERSCRIPT_DIGITS.indexOf(digit)).join(''));
        push(sentence, match.index, match[0].length, value);
      }
    if (/\d/u.test(text))
      for (const match of text.matchAll(GLUED_DIGITS))
        glued.push({ sentence, at: match.index, length: match[0].length, value: Number(match[1]) });
  }
  if (glued.length === 0) return marks;
  // Numbers the draft also cites in brackets ("[1,2]") belong to the same sequence.
  const values = new Set(glued.map((mark) => mark.value));
  for (const sentence of sentences)
    if (sentence.text.includes('['))
      for (const match of sentence.text.matchAll(NUMERIC))
        for (const n of expandNumbers(match[1]!)) values.add(n);
  if (values.has(1) && values.size >= 2) {
    for (const mark of glued)
      if (mark.value <= values.size + 2) push(mark.sentence, mark.at, mark.length, mark.value);
  }
  return marks;
}

/** The start of the clause that ends at `at`: after the last comma, semicolon or colon, at most 200 characters back. */
function clauseStart(text: string, at: number): number {
  const from = Math.max(0, at - MAX_DESCRIPTION);
  for (let i = at - 1; i >= from; i--) {
    const code = text.charCodeAt(i);
    if ((code === 44 && !isDigitAt(text, i + 1)) || code === 59 || code === 58)
      return skipSpaces(text, i + 1);
  }
  return from === 0 ? 0 : skipSpaces(text, text.indexOf(' ', from) + 1);
}

/** A digit at `at`: the comma before it is a thousands separator ("5,000"), not a clause break. */
function isDigitAt(text: string, at: number): boolean {
  const code = text.charCodeAt(at);
  return code >= 48 && code <= 57;
}

function skipSpaces(text: string, at: number): number {
  while (at < text.length && text.charCodeAt(at) === 32) at++;
  return at;
}

/** "The World Health Organization advises", "the CDC estimates", "Memorial Sloan Kettering Cancer Center, a ..., lists". */
function findOrganisationCitations(sentence: Sentence, add: AddCitation): void {
  const text = sentence.text;
  for (const verb of text.matchAll(ORGANISATION_VERBS)) {
    // An appositive between the name and its verb: ", a leading research institute,".
    let nameEnd = verb.index;
    const before = text.slice(Math.max(0, nameEnd - 90), nameEnd);
    const appositive = /,\s[^,]{3,80},\s*$/u.exec(before);
    if (appositive) nameEnd -= appositive[0].length;
    const acronym = /\s*\(([A-Z]{2,6})\)\s*$/u.exec(text.slice(Math.max(0, nameEnd - 10), nameEnd));
    const nameWordsEnd = acronym ? nameEnd - acronym[0].length : nameEnd;
    const words = readOrganisationBackwards(text, text.slice(0, nameWordsEnd).trimEnd().length);
    if (words.length === 0) continue;
    const wordTexts = words.map((word) => text.slice(word.start, word.end));
    const isOrganisation =
      wordTexts.some((word) => ORGANISATION_HEAD.test(word)) ||
      (wordTexts.length === 1 && ACRONYM.test(wordTexts[0]!));
    if (!isOrganisation) continue;
    const lead = /(?:\b(?:[Tt]he|[Aa]ccording\s+to\s+the)\s+)?$/u.exec(
      text.slice(Math.max(0, words[0]!.start - 20), words[0]!.start),
    );
    add({
      start: sentence.start + words[0]!.start - (lead?.[0].length ?? 0),
      end: sentence.start + verb.index + verb[0].length,
      kind: 'source_year',
      numbers: [],
      names: [acronym?.[1] ?? wordTexts.join(' ')],
      year: null,
      doi: null,
    });
  }
}

/** "In one study, adults with prediabetes took ...": the study's description, up to the end of its clause. */
function findStudyMentions(sentence: Sentence, add: AddCitation): void {
  const text = sentence.text;
  for (const match of text.matchAll(STUDY_MENTION)) {
    let end = clauseEnd(text, match.index + match[0].length);
    if (end - match.index < SHORT_CLAUSE && end < text.length) end = clauseEnd(text, end + 1);
    end = Math.min(end, match.index + MAX_DESCRIPTION);
    while (end > match.index && /[\s.,;:]/u.test(text[end - 1]!)) end--;
    add({
      start: sentence.start + match.index,
      end: sentence.start + end,
      kind: 'study',
      numbers: [],
      names: [],
      year: /\b((?:19|20)\d{2})\b/u.exec(match[0])?.[1]
        ? Number(/\b((?:19|20)\d{2})\b/u.exec(match[0])![1])
        : null,
      doi: null,
    });
  }
}

/** The next comma, semicolon, colon or the sentence's end after `from`. */
function clauseEnd(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 44 || code === 59 || code === 58) return i;
  }
  return text.length;
}

/**
 * The citation spans of one sentence. Each pass adds spans left to right, so an overlap check looks
 * at one accepted span and the last added one: linear however many citations a sentence holds.
 */
class SpanSet<T extends { start: number; end: number }> {
  private accepted: T[] = [];
  private pending: T[] = [];
  private cursor = 0;

  /** Whether a span overlaps none taken (spans come left to right within a pass). */
  fits(span: { start: number; end: number }): boolean {
    const last = this.pending.at(-1);
    if (last && span.start < last.end) return false;
    while (this.cursor < this.accepted.length && this.accepted[this.cursor]!.end <= span.start) this.cursor++;
    const next = this.accepted[this.cursor];
    return !(next && next.start < span.end);
  }

  /** Adds an item that fits. */
  push(item: T): void {
    this.pending.push(item);
  }

  endPass(): void {
    if (this.pending.length === 0) return;
    const merged: T[] = [];
    let a = 0;
    let p = 0;
    while (a < this.accepted.length || p < this.pending.length) {
      const takeAccepted =
        p >= this.pending.length ||
        (a < this.accepted.length && this.accepted[a]!.start <= this.pending[p]!.start);
      merged.push(takeAccepted ? this.accepted[a++]! : this.pending[p++]!);
    }
    this.accepted = merged;
    this.pending = [];
    this.cursor = 0;
  }

  items(): T[] {
    this.endPass();
    return this.accepted;
  }
}

type AddCitation = (
  citation: Omit<FoundCitation, 'id' | 'matchedReference' | 'text' | 'sentenceIndex'>,
) => void;

/** "a 2019 study in The Journal of Affective Disorders", "Research in Psychopharmacology (2020)". */
function findSourceCitations(sentence: Sentence, add: AddCitation): void {
  const text = sentence.text;
  for (const match of text.matchAll(STUDY_IN)) {
    const nameStart = match.index + match[0].length;
    const words = readNameWords(text, nameStart);
    if (words.length === 0) continue;
    let end = words.at(-1)!.end;
    const name = text.slice(words[0]!.start, end);
    let year: number | null = null;
    const after = /^\s*(?:\(((?:19|20)\d{2})[a-z]?\)|,\s*((?:19|20)\d{2})\b)/.exec(text.slice(end, end + 12));
    if (after) {
      year = Number(after[1] ?? after[2]);
      end += after[0].length;
    }
    // "A 2019 study in ...": the year and the article before the trigger belong to the citation.
    const before = /(?:\b(?:a|an|the|one|this|that|another|recent|new)\s+)?(?:((?:19|20)\d{2})\s+)?$/i.exec(
      text.slice(Math.max(0, match.index - 24), match.index),
    );
    let start = match.index;
    if (before && before[0].length > 0) {
      start -= before[0].length;
      if (year === null && before[1]) year = Number(before[1]);
    }
    if (year === null) {
      const inSentence = /\b((?:19|20)\d{2})\b/.exec(text.slice(Math.max(0, start - 40), start));
      if (inSentence) year = Number(inSentence[1]);
    }
    add({
      start: sentence.start + start,
      end: sentence.start + end,
      kind: 'source_year',
      numbers: [],
      names: [name],
      year,
      doi: null,
    });
  }
}

/** "(Tarleton & Littenberg, 2017)", "(Smith et al., 2019; Lee 2020)", "Smith and Jones (2018)". */
function findParentheticalCitations(sentence: Sentence, add: AddCitation, endPass: () => void): void {
  const text = sentence.text;
  let open = text.indexOf('(');
  while (open >= 0) {
    const close = text.indexOf(')', open + 1);
    if (close < 0) break;
    const nextOpen = text.indexOf('(', open + 1);
    if (nextOpen >= 0 && nextOpen < close) {
      open = nextOpen;
      continue;
    }
    if (close - open <= 200) {
      for (const part of text.slice(open + 1, close).split(';')) {
        const parsed =
          /^\s*(?:see\s+(?:also\s+)?|e\.g\.,?\s+|cf\.\s+)?([\p{Lu}][^,]{0,120}?),?\s+((?:19|20)\d{2})[a-z]?\s*$/u.exec(
            part,
          );
        const names = parsed ? surnames(parsed[1]!) : [];
        if (parsed && names.length > 0) {
          add({
            start: sentence.start + open,
            end: sentence.start + close + 1,
            kind: 'author_year',
            numbers: [],
            names,
            year: Number(parsed[2]),
            doi: null,
          });
          break;
        }
      }
    }
    open = text.indexOf('(', close + 1);
  }
  endPass();
  // Narrative form: the names stand before "(2018)"; after "in" they name a journal ("writing in Nutrients (2018)").
  for (const match of text.matchAll(PAREN_YEAR)) {
    const words = readNameWordsBackwards(text, match.index);
    if (words.length === 0) continue;
    const start = words[0]!.start;
    const previous = /([\p{L}]+)\s*$/u.exec(text.slice(Math.max(0, start - 12), start))?.[1]?.toLowerCase();
    const inSource = previous === 'in';
    if (previous && !inSource && CONNECTORS.has(previous)) continue; // the tail of a longer name
    const names = inSource
      ? [text.slice(start, match.index).trim()]
      : surnames(text.slice(start, match.index));
    if (names.length === 0) continue;
    add({
      start: sentence.start + start,
      end: sentence.start + match.index + match[0].length,
      kind: inSource ? 'source_year' : 'author_year',
      numbers: [],
      names,
      year: Number(match[1]),
      doi: null,
    });
  }
}

interface Word {
  start: number;
  end: number;
}

/** Capitalised words (and connectors between them) from `from`: a journal's or an author's name. */
function readNameWords(text: string, from: number): Word[] {
  const words: Word[] = [];
  const pattern = /\s*([^\s(),;:]+)/y;
  pattern.lastIndex = from;
  let pendingConnectors: Word[] = [];
  while (words.length + pendingConnectors.length < MAX_NAME_WORDS) {
    const match = pattern.exec(text);
    if (!match) break;
    const raw = match[1]!.replace(/[.]+$/, '');
    const start = match.index + match[0].length - match[1]!.length;
    const word = { start, end: start + raw.length };
    if (NAME_WORD.test(raw) || /^\d+$/.test(raw)) {
      if (/^\d+$/.test(raw) && words.length === 0) break;
      words.push(...pendingConnectors, word);
      pendingConnectors = [];
      if (raw.length !== match[1]!.length) break; // a full stop ends the name
    } else if (words.length > 0 && CONNECTORS.has(raw.toLowerCase())) {
      pendingConnectors.push(word);
    } else break;
  }
  return words.filter((word) => !/^\d+$/.test(text.slice(word.start, word.end)));
}

/**
 * The capitalised words just before `end`, with "et al." and "and"/"&" between surnames, and "and colleagues"
 * (or co-workers, associates) after the last.
 */
function readNameWordsBackwards(text: string, end: number): Word[] {
  const words: Word[] = [];
  const before = text.slice(Math.max(0, end - 120), end);
  const offset = end - before.length;
  const tokens = [...before.matchAll(/[^\s,]+/g)].reverse();
  for (const [index, token] of tokens.entries()) {
    const value = token[0];
    const start = offset + token.index;
    const colleagues = index === 0 && COLLEAGUES.test(value) && AND.test(tokens[1]?.[0] ?? '');
    if (NAME_WORD.test(value) || NAME_LINK.test(value) || colleagues)
      words.unshift({ start, end: start + value.length });
    else break;
    if (words.length >= 6) break;
  }
  while (words.length > 0 && /^(?:and|&|et|al\.?)$/i.test(text.slice(words[0]!.start, words[0]!.end)))
    words.shift();
  return words;
}

/** Words between surnames ("Smith and Lee", "Smith et al."); "and colleagues" may follow the last. */
const NAME_LINK = /^(?:et|al\.?|and|&)$/;
const AND = /^(?:and|&)$/;
const COLLEAGUES = /^(?:colleagues|co-?workers|associates)$/u;
const ORGANISATION_CONNECTORS = new Set(['of', 'for', 'and', '&', 'on', 'in']);

/** An organisation's name ending at `end`: capitalised words, with "of", "for", "and" between them. */
function readOrganisationBackwards(text: string, end: number): Word[] {
  const limit = Math.max(0, end - 120);
  const words: Word[] = [];
  let pending: Word[] = [];
  let at = end;
  // Word by word from the end, so a verb after a long run of words costs only the words it reads.
  while (words.length + pending.length < MAX_NAME_WORDS) {
    while (at > limit && isNameSeparator(text.charCodeAt(at - 1))) at--;
    if (at <= limit) break;
    let start = at;
    while (start > limit && !isNameSeparator(text.charCodeAt(start - 1))) start--;
    const value = text.slice(start, at);
    const word = { start, end: at };
    if (NAME_WORD.test(value)) {
      words.unshift(word, ...pending);
      pending = [];
    } else if (words.length > 0 && ORGANISATION_CONNECTORS.has(value)) pending.unshift(word);
    else break;
    at = start;
  }
  while (words.length > 0 && /^(?:The|A|An|According)$/u.test(text.slice(words[0]!.start, words[0]!.end)))
    words.shift();
  return words;
}

/** Whitespace, ",", ";", ":", "(" or ")": what ends a word of a name. */
function isNameSeparator(code: number): boolean {
  return (
    code === 44 ||
    code === 59 ||
    code === 58 ||
    code === 40 ||
    code === 41 ||
    /\s/u.test(String.fromCharCode(code))
  );
}

const NOT_SURNAMES = new Set(['et', 'al', 'and', 'the', 'a', 'an', 'in', 'of', 'see', 'also']);

function surnames(names: string): string[] {
  return [...names.matchAll(/[\p{Lu}][\p{L}'’-]+/gu)]
    .map((match) => match[0])
    .filter((name) => !NOT_SURNAMES.has(name.toLowerCase()));
}

function expandNumbers(list: string): number[] {
  if (/^\d+$/.test(list)) return [Number(list)];
  const numbers: number[] = [];
  for (const part of list.split(',')) {
    const [from, to] = part.split(/[–-]/).map((value) => Number.parseInt(value.trim(), 10));
    if (from === undefined || Number.isNaN(from)) continue;
    const last = to !== undefined && !Number.isNaN(to) && to >= from && to - from <= 50 ? to : from;
    for (let n = from; n <= last; n++) numbers.push(n);
  }
  return numbers;
}

/** Parses reference-list entries (analysis offsets and text) into searchable references. */
export function parseReferences(
  entries: ReadonlyArray<{ start: number; end: number; text: string; sentenceIndex?: number }>,
): FoundReference[] {
  return entries.map((entry, index) => {
    const text = entry.text;
    const numbered = /^\s*(?:\[\^?(\d{1,4})\]:?|(\d{1,4})[.)])\s+/.exec(text);
    const yearMatch = YEAR.exec(text);
    const doi = DOI.exec(text)?.[0].toLowerCase() ?? null;
    const head = text.slice(numbered?.[0].length ?? 0, yearMatch?.index ?? text.indexOf('.'));
    const title = /[“"]([^”"]{4,300})[”"]/u.exec(text)?.[1]?.trim() ?? null;
    const leading = /^\s*([^.(]{3,150}?)\.?\s*\((?:19|20)\d{2}\)/.exec(text.slice(numbered?.[0].length ?? 0));
    return {
      id: `ref-${index + 1}`,
      start: entry.start,
      end: entry.end,
      text,
      number: numbered
        ? Number(numbered[1] ?? numbered[2])
        : entry.sentenceIndex === undefined
          ? index + 1
          : null,
      authors: looksLikeAuthors(head)
        ? surnames(head).filter((name) => name.length > 2 || !/^[\p{Lu}]+$/u.test(name))
        : [],
      year: yearMatch ? Number(yearMatch[0]) : null,
      journal: leading && !looksLikeAuthors(leading[1]!) ? leading[1]!.trim() : null,
      title,
      doi,
      searchable: ` ${normalise(text)} `,
      ...(entry.sentenceIndex === undefined ? {} : { sentenceIndex: entry.sentenceIndex }),
    };
  });
}

/** "Smith J, Lee K" or "Tarleton, E. K., & Littenberg, B.": initials or commas between capitalised names. */
function looksLikeAuthors(head: string): boolean {
  return /^\s*[\p{Lu}][\p{L}'’-]+,?\s+(?:[\p{Lu}]\.?\s*){1,3}(?:[,&;]|and\b|et al|$)/u.test(head);
}

export function normalise(text: string): string {
  return text
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .replace(/^\s*the\s+/, '')
    .trim();
}

/** Sets each citation's matchedReference: by number, DOI, or name (author or journal) and year. */
export function matchCitations(citations: FoundCitation[], references: readonly FoundReference[]): void {
  const index = new ReferenceIndex(references);
  // Drafts repeat the same citation; each distinct one is looked up once.
  const resolved = new Map<string, string | null>();
  for (const citation of citations) {
    const key = `${citation.kind}|${citation.numbers.join(',')}|${citation.doi}|${citation.names[0]}|${citation.year}`;
    let matched = resolved.get(key);
    if (matched === undefined) {
      matched = index.find(citation)?.id ?? null;
      resolved.set(key, matched);
    }
    citation.matchedReference = matched;
  }
}

/**
 * References by number, DOI and word, so that matching a citation looks at the few entries that share
 * its rarest word rather than at every entry: linear in the draft, not citations x references.
 */
class ReferenceIndex {
  private readonly byNumber = new Map<number | null, FoundReference>();
  private readonly byDoi = new Map<string, FoundReference>();
  private readonly byWord = new Map<string, FoundReference[]>();

  constructor(references: readonly FoundReference[]) {
    for (const reference of references) {
      if (!this.byNumber.has(reference.number)) this.byNumber.set(reference.number, reference);
      if (reference.doi && !this.byDoi.has(reference.doi)) this.byDoi.set(reference.doi, reference);
      for (const word of new Set(reference.searchable.split(' '))) {
        if (!word) continue;
        const list = this.byWord.get(word) ?? [];
        list.push(reference);
        this.byWord.set(word, list);
      }
    }
  }

  find(citation: FoundCitation): FoundReference | undefined {
    if (citation.kind === 'numeric') {
      const matched = citation.numbers.map((n) => this.byNumber.get(n));
      return matched.every(Boolean) ? matched[0] : undefined;
    }
    if (citation.doi) return this.byDoi.get(citation.doi);
    const [name] = citation.names;
    if (name === undefined) return undefined;
    const words = normalise(name).split(' ').filter(Boolean);
    const candidates = words
      .map((word) => this.byWord.get(word) ?? [])
      .reduce(
        (rarest, list) => (list.length < rarest.length ? list : rarest),
        this.byWord.get(words[0] ?? '') ?? [],
      );
    const yearFits = (reference: FoundReference) =>
      citation.year === null || reference.year === null || reference.year === citation.year;
    if (citation.kind === 'author_year') {
      // The first author's surname must stand in the entry, with the same year.
      return candidates.find((reference) => reference.year !== null && yearFits(reference));
    }
    return candidates.find((reference) => yearFits(reference) && standsAsName(reference.text, name));
  }
}

/**
 * The journal's name stands in the entry as a whole name: "Journal of Nutrition" is not in "British
 * Journal of Nutrition", but is in "...exercise. Journal of Nutrition. 2020".
 */
function standsAsName(referenceText: string, name: string): boolean {
  const words = normalise(name)
    .split(' ')
    .filter(Boolean)
    .map((word) => (word === 'and' ? '(?:and|&)' : word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  if (words.length === 0) return false;
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])${words.join('[^\\p{L}\\p{N}]+')}(?![\\p{L}\\p{N}])`, 'giu');
  for (const match of referenceText.matchAll(pattern)) {
    const before = /([\p{L}]+)([^\p{L}\p{N}]*)$/u.exec(
      referenceText.slice(Math.max(0, match.index - 40), match.index),
    );
    const extendsName =
      before &&
      /^[\p{Lu}]/u.test(before[1]!) &&
      !/^the$/i.test(before[1]!) &&
      !/[.,;:()“”"]/u.test(before[2]!);
    if (!extendsName) return true;
  }
  return false;
}
