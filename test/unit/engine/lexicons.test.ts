import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  buildLexicons,
  directoryReader,
  loadInputs,
  mirrorReader,
  renderLexicons,
  type SourceConfig,
} from '../../../scripts/lexicons/build.js';
import { lexicons, LexiconsError, normaliseTerm, parseLexicons } from '../../../shared/lexicons/index.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const COMMITTED = path.join(ROOT, 'shared/lexicons/lexicons.json');
const FIXTURES = path.join(ROOT, 'test/fixtures/lexicons');
const LISTS = ['diseases', 'symptoms', 'drugs', 'drugClasses', 'supplements'] as const;

const fixtureInputs = () =>
  loadInputs({
    sourcesFile: path.join(FIXTURES, 'sources.json'),
    handFile: path.join(FIXTURES, 'hand-lists.json'),
    stoplistFile: path.join(FIXTURES, 'stoplist.json'),
    read: directoryReader(FIXTURES),
  });

describe('term normalisation', () => {
  it.each([
    ['Alzheimer’s disease', "alzheimer's disease"],
    ['non-Hodgkin lymphoma', 'non hodgkin lymphoma'],
    ['  COVID-19 ', 'covid 19'],
    ["St. John's wort", "st john's wort"],
    ["'quoted' words", 'quoted words'],
    ['Sjögren syndrome', 'sjögren syndrome'],
  ])('writes %j as the tokenizer reads it: %j', (raw, expected) => {
    expect(normaliseTerm(raw)).toBe(expected);
  });
});

describe('the committed lexicons', () => {
  const raw = JSON.parse(fs.readFileSync(COMMITTED, 'utf8')) as unknown;

  it('pass the schema, and the module exports them typed', () => {
    expect(parseLexicons(raw, 'lexicons.json')).toEqual(lexicons);
    expect(lexicons.sources.map((source) => source.repository)).toEqual(
      expect.arrayContaining([
        'DiseaseOntology/HumanDiseaseOntology',
        'DiseaseOntology/SymptomOntology',
        'davidanderson3/rxnorm-ingredients',
      ]),
    );
  });

  it('stay small enough for the Lambda bundle', () => {
    expect(fs.statSync(COMMITTED).size).toBeLessThan(700_000);
  });

  it.each([
    [
      'diseases',
      ['type 2 diabetes', 'arthritis', 'influenza', 'hypertension', "alzheimer's disease", 'covid 19'],
    ],
    ['symptoms', ['insomnia', 'pain', 'headache', 'fatigue']],
    ['drugs', ['metformin', 'atorvastatin', 'ibuprofen', 'warfarin', 'acetaminophen', 'lipitor']],
    ['drugClasses', ['ssri', 'ssris', 'statins', 'blood thinners', 'nsaids', 'beta blockers']],
    [
      'supplements',
      ['ashwagandha', 'turmeric', 'melatonin', 'magnesium', 'zinc', 'vitamin d', 'fish oil', 'caffeine'],
    ],
  ] as const)('list lay names among the %s', (list, names) => {
    expect(lexicons[list]).toEqual(expect.arrayContaining([...names]));
  });

  it('keep supplements and foods out of the drugs', () => {
    for (const name of [
      'magnesium',
      'zinc',
      'vitamin d',
      'melatonin',
      'fish oil',
      'caffeine',
      'iron',
      'calcium',
    ])
      expect(lexicons.drugs).not.toContain(name);
  });

  it('leave every stoplisted word out of every list', () => {
    expect(lexicons.stoplist).toEqual(
      expect.arrayContaining(['cold', 'patch', 'virus', 'take', 'all', 'ms']),
    );
    for (const list of LISTS)
      for (const word of lexicons.stoplist) expect(lexicons[list]).not.toContain(word);
  });

  it('reject data that is unsorted, not normalised, stoplisted or a supplement listed as a drug', () => {
    const copy = () => structuredClone(lexicons);
    const unsorted = copy();
    unsorted.diseases = ['zoster', 'asthma'];
    expect(() => parseLexicons(unsorted, 'unsorted')).toThrow(/diseases: "asthma" is not .* in sorted order/);
    const raw = copy();
    raw.drugs = ['Metformin'];
    expect(() => parseLexicons(raw, 'raw')).toThrow(/drugs: "Metformin" is not a normalised term/);
    const stopped = copy();
    stopped.symptoms = ['cold'];
    expect(() => parseLexicons(stopped, 'stopped')).toThrow(/a stoplisted word is in a list/);
    const both = copy();
    both.drugs = ['zinc'];
    expect(() => parseLexicons(both, 'both')).toThrow(LexiconsError);
    expect(() => parseLexicons(both, 'both')).toThrow(/a supplement is also listed as a drug/);
  });
});

describe('the build, on small fixture sources', () => {
  const built = buildLexicons(fixtureInputs());

  it('takes names and exact/related synonyms of current disease classes, normalised and filtered', () => {
    expect(built.diseases).toEqual([
      'acute lymphoblastic leukemia',
      'adult onset sugar diabetes',
      'alzheimer disease',
      "alzheimer's disease",
      'blue disease',
      'chronic obstructive pulmonary disease',
      'common cold',
      'copd',
      'covid 19',
      'niddm',
      'non hodgkin lymphoma',
      'rare blue disease',
      'type 2 diabetes',
    ]);
    // Dropped: the stoplisted "cold", the acronym "ALL" (an English word) and a rare disease's acronym, a narrow
    // synonym, a numbered subtype, an inverted name, a name of eight words, an obsolete and a removed class.
  });

  it('takes symptoms and applies the stoplist', () => {
    expect(built.symptoms).toEqual(['ache', 'insomnia', 'nervous tension', 'pain', 'sleeplessness']);
    expect(built.stoplist).toEqual(['cold', 'stress']);
  });

  it('takes ingredients and brand names, fills the RxNorm gap from Drugs@FDA, and sends supplements away', () => {
    expect(built.drugs).toEqual([
      'adalimumab',
      'aspirin',
      'atorvastatin',
      'glucophage',
      'lipitor',
      'metformin',
    ]);
    expect(built.supplements).toEqual(['ashwagandha', 'magnesium oxide', 'turmeric', 'zinc']);
    expect(built.drugClasses).toEqual(['ssris', 'statins']);
  });

  it('names every source with its commit and licence, and the hand-written files by their hash', () => {
    expect(built.sources.map((source) => source.name)).toEqual([
      'fixture disease ontology',
      'fixture symptom ontology',
      'fixture rxnorm',
      'fixture drugs at fda',
      'fixture english words',
      'Hand-written lists: drug classes, supplements and the rules’ word lists',
      'Hand-written stoplist of ambiguous words, each with its reason',
    ]);
    expect(built.sources.at(-1)).toMatchObject({
      path: 'test/fixtures/lexicons/stoplist.json',
      version: expect.stringMatching(/^sha256:[0-9a-f]{12}$/),
    });
  });

  it('gives the same bytes twice, and the command line writes them', () => {
    const bytes = renderLexicons(built);
    expect(renderLexicons(buildLexicons(fixtureInputs()))).toBe(bytes);
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lexicons-')), 'lexicons.json');
    execFileSync(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(ROOT, 'scripts/lexicons/build.ts'),
        ...['--files', FIXTURES, '--sources', path.join(FIXTURES, 'sources.json')],
        ...[
          '--hand',
          path.join(FIXTURES, 'hand-lists.json'),
          '--stoplist',
          path.join(FIXTURES, 'stoplist.json'),
        ],
        ...['--out', out],
      ],
      { cwd: ROOT, stdio: 'pipe' },
    );
    expect(fs.readFileSync(out, 'utf8')).toBe(bytes);
  });

  it('changes the version exactly when the data changes', () => {
    const inputs = fixtureInputs();
    inputs.stoplist = { ...inputs.stoplist, pain: 'a test entry' };
    const changed = buildLexicons(inputs);
    expect(changed.symptoms).not.toContain('pain');
    expect(changed.version).not.toBe(built.version);
  });
});

// The committed file must be what the script derives from the pinned sources. The sources are read from local
// git mirrors (see the header of scripts/lexicons/build.ts); without them, this check cannot run here.
const MIRROR = process.env.LEXICON_MIRROR ?? '/work/.mirror';
const realSources = (
  JSON.parse(fs.readFileSync(path.join(ROOT, 'scripts/lexicons/sources.json'), 'utf8')) as {
    sources: SourceConfig[];
  }
).sources;
const missingMirrors = realSources
  .map((source) => path.join(MIRROR, source.repository.replace('/', '+'), 'repo'))
  .filter((dir) => !fs.existsSync(dir));
if (missingMirrors.length > 0)
  console.info(
    `skipping the rebuild of the committed lexicons: no source mirror at ${missingMirrors.join(', ')}`,
  );

describe.runIf(missingMirrors.length === 0)('the committed lexicons, rebuilt from the source mirrors', () => {
  it('are byte for byte what the build derives', () => {
    const inputs = loadInputs({
      sourcesFile: path.join(ROOT, 'scripts/lexicons/sources.json'),
      handFile: path.join(ROOT, 'scripts/lexicons/hand-lists.json'),
      stoplistFile: path.join(ROOT, 'scripts/lexicons/stoplist.json'),
      read: mirrorReader(MIRROR),
    });
    expect(renderLexicons(buildLexicons(inputs))).toBe(fs.readFileSync(COMMITTED, 'utf8'));
  });
});
