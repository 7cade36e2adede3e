// The moderate bundle's second minification pass: `node infra/minify-bundle.mjs <dir>/index.mjs` rewrites the
// bundle and its source map in place. The stack runs it after esbuild (NodejsFunction's afterBundling hook), and so
// does buildModerateBundle (bench and tests); infra/bundling.ts defines both and says why the pass exists.
// Plain JavaScript, so that `node` runs it wherever the stack bundles, locally or in CDK's Docker image.
import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { minify } from 'terser';

/** Terser's defaults (safe transforms only), for an ES module: its top-level names are the bundle's own. */
const TERSER_OPTIONS = {
  module: true,
  // esbuild dropped every comment (legalComments: 'none'); keep it that way.
  format: { comments: false },
};

/**
 * Minifies `file` in place. The source map beside it (`file.map`) is composed with terser's, so it still maps
 * the bundle to the TypeScript sources, without their contents (as esbuild wrote it: sourcesContent false).
 */
async function minifyBundle(file) {
  const mapFile = `${file}.map`;
  const [code, map] = await Promise.all([readFile(file, 'utf8'), readFile(mapFile, 'utf8')]);
  const result = await minify(code, {
    ...TERSER_OPTIONS,
    sourceMap: { content: map, url: basename(mapFile), includeSources: false },
  });
  if (result.code === undefined || typeof result.map !== 'string')
    throw new Error(`terser produced no output for ${file}`);
  // esbuild ends the file with a newline after the sourceMappingURL comment; terser does not.
  await Promise.all([writeFile(file, `${result.code}\n`), writeFile(mapFile, result.map)]);
}

const [file, ...rest] = process.argv.slice(2);
if (file === undefined || rest.length > 0) {
  console.error('usage: node infra/minify-bundle.mjs <bundle.mjs>');
  process.exit(2);
}
await minifyBundle(file);
