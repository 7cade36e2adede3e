import lexiconsJson from './lexicons.json' with { type: 'json' };

/** TEMPORARY bootstrap until the derived lexicons land. */
export interface Lexicons {
  version: string;
  diseases: string[];
  symptoms: string[];
  drugs: string[];
  drugClasses: string[];
  supplements: string[];
  stoplist: string[];
}
export const defaultLexicons: Lexicons = lexiconsJson;
