// The zod every module uses: zod/mini, the functional API, which esbuild tree-shakes (classic zod's methods keep
// the whole library in the Lambda bundle). Classic zod loads its English messages on import; zod/mini has none
// and would say "Invalid input" for everything, so they are loaded here, once. Import zod from this module only.
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

z.config(en());

export * from 'zod/mini';
