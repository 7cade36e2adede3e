// What goes into the moderate function's bundle: guards against imports that defeat tree-shaking.
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { MODERATE_BUNDLE, moderateBuildOptions } from '../../../infra/bundling.js';

/** Input files that contribute code to the bundle, as esbuild's metafile reports them. */
async function bundledInputs(): Promise<string[]> {
  const { metafile } = await build({
    ...moderateBuildOptions(MODERATE_BUNDLE.outfile),
    metafile: true,
    write: false,
  });
  return Object.values(metafile.outputs).flatMap((output) =>
    Object.entries(output.inputs)
      .filter(([, input]) => input.bytesInOutput > 0)
      .map(([path]) => path),
  );
}

const packageOf = (path: string) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path)?.[1];

describe('moderate bundle', () => {
  let inputs: string[];
  let packages: Set<string>;
  beforeAll(async () => {
    inputs = await bundledInputs();
    packages = new Set(inputs.map(packageOf).filter((name) => name !== undefined));
  });

  // shared/zod.ts loads English only; `import { z } from 'zod'` or `z.locales` (here or in a dependency) would
  // keep every locale.
  it('has zod without its translations', () => {
    expect(packages.has('zod')).toBe(true);
    const locales = inputs.filter((path) => path.includes('/zod/v4/locales/'));
    expect(locales.map((path) => path.slice(path.lastIndexOf('/') + 1))).toEqual(['en.js']);
  });

  // Classic zod's schemas carry every method (and its JSON Schema code), so none of it can be tree-shaken.
  it('has zod/mini, not classic zod', () => {
    expect(inputs.filter((path) => path.includes('/zod/v4/mini/')).length).toBeGreaterThan(0);
    expect(inputs.filter((path) => path.includes('/zod/v4/classic/'))).toEqual([]);
  });

  it('does not take the SQS record schema from Powertools parser', () => {
    expect(packages.has('@aws-lambda-powertools/parser')).toBe(false);
  });

  it('has only the SDK clients the pipeline calls', () => {
    const clients = [...packages].filter((name) => name.startsWith('@aws-sdk/client-')).sort();
    expect(clients).toEqual(['@aws-sdk/client-dynamodb', '@aws-sdk/client-s3', '@aws-sdk/client-sqs']);
  });

  // Lambda's credentials are in the environment; the default chain would add STS/SSO clients and eight providers.
  it('takes credentials from the environment only', () => {
    expect(packages.has('@aws-sdk/credential-provider-env')).toBe(true);
    expect(inputs).toContain('infra/shims/credential-provider-env-only.ts');
    const chain = [...packages].filter(
      (name) =>
        /^@aws-sdk\/(credential-provider-(?!env$)|nested-clients$|token-providers$)/.test(name) ||
        name === '@smithy/credential-provider-imds',
    );
    expect(chain).toEqual([]);
  });

  it('has no event-stream serde, which no operation the pipeline calls uses', () => {
    expect(inputs).toContain('infra/shims/event-streams-unsupported.ts');
    expect(inputs.filter((path) => path.includes('/@smithy/core/dist-es/submodules/event-streams/'))).toEqual(
      [],
    );
  });
});
