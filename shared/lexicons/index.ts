import lexiconsJson from './lexicons.json' with { type: 'json' };
import { parseLexicons, type Lexicons } from './schema.js';

export { Lexicons, LexiconSource, LexiconsError, parseLexicons } from './schema.js';
export { normaliseTerm } from './normalise.js';

/**
 * Disease, symptom, drug, drug-class and supplement terms derived from public-domain and CC0 vocabularies by
 * scripts/lexicons/build.ts (sources and licences in NOTICE.md), validated once at load.
 */
export const lexicons: Lexicons = parseLexicons(lexiconsJson, 'shared/lexicons/lexicons.json');
