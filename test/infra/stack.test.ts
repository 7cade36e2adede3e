// The stack as `npx cdk deploy` would deploy it: built through the same app factory, with cdk.json's context.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { isBuiltin, SourceMap } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Validations } from 'aws-cdk-lib';
import type { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModerateBundle, MODERATE_BUNDLE } from '../../infra/bundling.js';
import { createPipelineApp } from '../../infra/pipeline-app.js';
import {
  ALARMS,
  ENV,
  FIFO_DEDUPLICATION_WINDOW_SECONDS,
  METRICS,
  MODERATE_FUNCTION,
  QUEUES,
  RECONCILER,
  resourceNames,
  REVIEW_API,
  TABLE,
  WEB,
} from '../../shared/pipeline/resources.js';
import { PageConfig } from '../../shared/review/page-config.js';
import { ROUTES } from '../../shared/review/routes.js';
import type { RouteName } from '../../shared/review/routes.js';

const CDK_JSON = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
  context: Record<string, unknown>;
};

interface Synthesized {
  stack: Stack;
  template: Template;
  assemblyDir: string;
}

/**
 * Every app of this file writes to one folder: CDK's asset cache then bundles each function once for the whole
 * file (each stage, and the app built to read its default stage, reuse the bundles), instead of once per app.
 */
const OUTDIR = mkdtempSync(join(tmpdir(), 'claimscan-cdk-test-'));
afterAll(() => rmSync(OUTDIR, { recursive: true, force: true }));

function synth(context: Record<string, unknown>): Synthesized {
  // The CLI records asset paths in resource metadata; do the same to find the function's bundle.
  const { app, stack } = createPipelineApp(
    { ...CDK_JSON.context, 'aws:cdk:enable-asset-metadata': true, ...context },
    { outdir: OUTDIR },
  );
  // Synthesising runs the AwsSolutions validation plugin too: it throws on any unacknowledged finding.
  const assembly = app.synth();
  return {
    stack,
    template: Template.fromJSON(assembly.getStackByName(stack.stackName).template),
    assemblyDir: assembly.directory,
  };
}

let dev: Synthesized;
let prod: Synthesized;
/** Pages served from a dev server too (the `reviewPageUrl` context). */
const LOCAL_PAGE_URL = 'http://localhost:5173/review.html';
const names = resourceNames('dev');

// Bundling a dozen functions and validating two stacks takes a minute on a loaded 2-core machine.
beforeAll(() => {
  dev = synth({ stage: 'dev' });
  prod = synth({
    stage: 'prod',
    appName: 'acme',
    alarmEmail: 'ops@example.com',
    reviewPageUrl: LOCAL_PAGE_URL,
  });
}, 300_000);

/** Active tracing's statement, the one statement on `*` each function role has. */
const XRAY_STATEMENT = {
  Effect: 'Allow',
  Action: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'],
  Resource: '*',
};

/** A statement whose resources need the template: resolved once it is synthesised. */
type StatementSpec = { Action: string | string[]; Resource: () => unknown; Condition?: unknown };
const resolve = (spec: { Action: string | string[]; Resource: unknown; Condition?: unknown }) => ({
  ...spec,
  Resource: typeof spec.Resource === 'function' ? (spec.Resource as () => unknown)() : spec.Resource,
});

type Statement = { Action: string | string[]; Resource: unknown; Effect: string; Condition?: unknown };

/** The statements of the role a function (by its name) runs with. */
function roleStatementsOf(template: Template, functionName: string): Statement[] {
  const roleRef = (
    Object.values(template.findResources('AWS::Lambda::Function')).find(
      (fn) => fn.Properties.FunctionName === functionName,
    )?.Properties.Role as { 'Fn::GetAtt': [string, string] }
  )['Fn::GetAtt'][0];
  return Object.values(
    template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleRef }] } }),
  ).flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
}

const logicalId = (template: Template, type: string, props: Record<string, unknown>) => {
  const found = Object.keys(template.findResources(type, { Properties: Match.objectLike(props) }));
  expect(found).toHaveLength(1);
  return found[0] as string;
};
const queueId = (template: Template, queueName: string) =>
  logicalId(template, 'AWS::SQS::Queue', { QueueName: queueName });
const draftsBucketId = (template: Template) =>
  logicalId(template, 'AWS::S3::Bucket', { VersioningConfiguration: { Status: 'Enabled' } });
/** Listing the drafts bucket, under drafts/ only: how a role tells a deleted draft from a denied read. */
const DRAFT_KEYS_LISTING = {
  Action: ['s3:ListBucket', 's3:ListBucketVersions'],
  Condition: { StringLike: { 's3:prefix': 'drafts/*' } },
};
/** Listing under reports/ only: how next and report tell a missing digest (a 404) from a denied read. */
const REPORT_KEYS_LISTING = {
  Action: 's3:ListBucket',
  Condition: { StringLike: { 's3:prefix': 'reports/*' } },
};
const listDraftKeys = (template: Template) => ({
  ...DRAFT_KEYS_LISTING,
  Resource: { 'Fn::GetAtt': [draftsBucketId(template), 'Arn'] },
});

describe('stage and names', () => {
  it('comes from CDK context, dev by default', () => {
    expect(dev.stack.stackName).toBe('claimscan-dev');
    expect(createPipelineApp(CDK_JSON.context, { outdir: OUTDIR }).stack.stackName).toBe('claimscan-dev');
    expect(prod.stack.stackName).toBe('acme-prod');
    prod.template.hasResourceProperties('AWS::DynamoDB::Table', { TableName: 'acme-prod-results' });
  });

  it('rejects an unknown stage', () => {
    expect(() => createPipelineApp({ stage: 'staging' })).toThrow();
  });

  it('outputs the bucket, table and queues', () => {
    for (const output of [
      'BucketName',
      'TableName',
      'IngestQueueUrl',
      'IngestDlqUrl',
      'ReviewQueueUrl',
      'ReviewDlqUrl',
      'ReviewApiUrl',
      'UserPoolId',
      'UserPoolClientId',
      'ReviewPageUrl',
      'DashboardPageUrl',
      'PublisherPageUrl',
      'SignInUrl',
    ]) {
      dev.template.hasOutput(output, { Value: Match.anyValue() });
    }
  });
});

describe('bucket', () => {
  it('blocks public access, encrypts, versions, logs access and expires old versions', () => {
    dev.template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: { DestinationBucketName: { Ref: Match.stringLikeRegexp('^AccessLogs') } },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({
            Status: 'Enabled',
            NoncurrentVersionExpiration: { NoncurrentDays: Match.anyValue() },
          }),
        ]),
      },
    });
  });

  it('enforces TLS on every bucket', () => {
    const policies = dev.template.findResources('AWS::S3::BucketPolicy');
    expect(Object.keys(policies)).toHaveLength(3);
    for (const policy of Object.values(policies)) {
      expect(policy.Properties.PolicyDocument.Statement).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      );
    }
  });

  it('notifies the ingest queue of uploads under drafts/ only', () => {
    dev.template.hasResourceProperties('Custom::S3BucketNotifications', {
      NotificationConfiguration: {
        QueueConfigurations: [
          {
            Events: ['s3:ObjectCreated:*'],
            Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'drafts/' }] } },
            QueueArn: { 'Fn::GetAtt': [queueId(dev.template, names.ingestQueue), 'Arn'] },
          },
        ],
      },
    });
  });
});

describe('table', () => {
  it('is on-demand, encrypted, recoverable, keyed for versions and indexed by status and publisher', () => {
    const index = (name: string, partitionKey: string, sortKey: string) =>
      Match.objectLike({
        IndexName: name,
        KeySchema: [
          { AttributeName: partitionKey, KeyType: 'HASH' },
          { AttributeName: sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...TABLE.projectedAttributes] },
      });
    const { byStatus, byPublisher } = TABLE.indexes;
    dev.template.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: names.table,
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      KeySchema: [
        { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        index(byStatus.name, byStatus.partitionKey, byStatus.sortKey),
        index(byPublisher.name, byPublisher.partitionKey, byPublisher.sortKey),
      ],
    });
  });

  it('is protected from deletion outside dev', () => {
    dev.template.hasResource('AWS::DynamoDB::Table', {
      Properties: Match.objectLike({ DeletionProtectionEnabled: false }),
      DeletionPolicy: 'Delete',
    });
    prod.template.hasResource('AWS::DynamoDB::Table', {
      Properties: Match.objectLike({ DeletionProtectionEnabled: true }),
      DeletionPolicy: 'Retain',
    });
  });
});

describe('queues', () => {
  it('are all encrypted and refuse requests without TLS', () => {
    const queues = dev.template.findResources('AWS::SQS::Queue');
    expect(Object.keys(queues)).toHaveLength(4);
    for (const queue of Object.values(queues)) expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
    for (const id of Object.keys(queues)) {
      dev.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: id }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    }
  });

  // Ingest: a message that keeps failing is poison after a few tries. Review: every lease is a receive, so only
  // SQS's maximum, as a backstop; the next function dead-letters what no reviewer can use itself.
  it.each([
    ['ingest', names.ingestQueue, names.ingestDlq, QUEUES.ingest.maxReceiveCount, [2, 10]],
    ['review', names.reviewQueue, names.reviewDlq, QUEUES.review.maxReceiveCount, [1000, 1000]],
  ] as const)(
    'redrive the %s queue to its DLQ after a bounded number of receives',
    (_name, queue, dlq, maxReceiveCount, [least, most]) => {
      dev.template.hasResourceProperties('AWS::SQS::Queue', {
        QueueName: queue,
        RedrivePolicy: {
          deadLetterTargetArn: { 'Fn::GetAtt': [queueId(dev.template, dlq), 'Arn'] },
          maxReceiveCount,
        },
      });
      expect(maxReceiveCount).toBeGreaterThanOrEqual(least);
      expect(maxReceiveCount).toBeLessThanOrEqual(most);
    },
  );

  it("keep messages for SQS's longest retention, 14 days: what still expires, the reconciler sends again", () => {
    for (const queueName of [names.ingestQueue, names.reviewQueue])
      dev.template.hasResourceProperties('AWS::SQS::Queue', {
        QueueName: queueName,
        MessageRetentionPeriod: 14 * 24 * 60 * 60,
      });
  });

  it('lets S3 send to the ingest queue for this bucket in this account only', () => {
    const [policy] = Object.values(
      dev.template.findResources('AWS::SQS::QueuePolicy', {
        Properties: { Queues: [{ Ref: queueId(dev.template, names.ingestQueue) }] },
      }),
    );
    const allowed = (policy?.Properties.PolicyDocument.Statement as Array<Record<string, unknown>>).filter(
      (statement) => statement.Effect === 'Allow',
    );
    expect(allowed).toEqual([
      expect.objectContaining({
        Principal: { Service: 's3.amazonaws.com' },
        Action: expect.arrayContaining(['sqs:SendMessage']),
        Condition: {
          ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [draftsBucketId(dev.template), 'Arn'] } },
          StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
        },
      }),
    ]);
  });

  it('makes the review queue and its DLQ FIFO, deduplicated by the id the function sends', () => {
    dev.template.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: names.reviewQueue,
      FifoQueue: true,
      ContentBasedDeduplication: false,
    });
    dev.template.hasResourceProperties('AWS::SQS::Queue', { QueueName: names.reviewDlq, FifoQueue: true });
  });

  it('gives the ingest queue a visibility timeout of at least six function timeouts, inside the FIFO dedup window', () => {
    const visibility = dev.template.findResources('AWS::SQS::Queue', {
      Properties: { QueueName: names.ingestQueue },
    });
    const timeout = dev.template.findResources('AWS::Lambda::Function', {
      Properties: { FunctionName: names.moderateFunction },
    });
    const visibilitySeconds = Object.values(visibility)[0]?.Properties.VisibilityTimeout as number;
    const timeoutSeconds = Object.values(timeout)[0]?.Properties.Timeout as number;
    expect(timeoutSeconds).toBe(MODERATE_FUNCTION.timeoutSeconds);
    expect(visibilitySeconds).toBeGreaterThanOrEqual(6 * timeoutSeconds);
    expect(visibilitySeconds).toBeLessThanOrEqual(FIFO_DEDUPLICATION_WINDOW_SECONDS);
  });
});

const newestNodeRuntime = () =>
  lambda.Runtime.ALL.filter(
    (runtime) => runtime.family === lambda.RuntimeFamily.NODEJS && !runtime.isVariable,
  )
    .map((runtime) => runtime.name)
    .sort((a, b) => a.localeCompare(b, undefined, { numeric: true }))
    .at(-1);

describe('moderate function', () => {
  it('runs on the newest Node.js runtime aws-cdk-lib offers, on ARM64', () => {
    const newest = newestNodeRuntime();
    dev.template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: names.moderateFunction,
      Runtime: newest,
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: MODERATE_FUNCTION.memoryMiB,
      Environment: {
        Variables: Match.objectLike({
          [ENV.stage]: 'dev',
          [ENV.tableName]: { Ref: logicalId(dev.template, 'AWS::DynamoDB::Table', {}) },
          [ENV.reviewQueueUrl]: { Ref: queueId(dev.template, names.reviewQueue) },
          [ENV.serviceName]: METRICS.service,
          [ENV.metricsNamespace]: METRICS.namespace,
          NODE_OPTIONS: '--enable-source-maps --max-semi-space-size=64',
        }),
      },
      LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('^ModerateLogs') } },
    });
  });

  const deployedBundle = () => {
    const fn = Object.values(
      dev.template.findResources('AWS::Lambda::Function', {
        Properties: { FunctionName: names.moderateFunction },
      }),
    )[0];
    return join(dev.assemblyDir, fn?.Metadata['aws:asset:path'] as string);
  };

  it('is bundled by esbuild and terser: minified ESM with a source map', () => {
    const assetDir = deployedBundle();
    const code = readFileSync(join(assetDir, 'index.mjs'), 'utf8');
    expect(existsSync(join(assetDir, 'index.mjs.map'))).toBe(true);
    expect(code.endsWith('//# sourceMappingURL=index.mjs.map\n')).toBe(true);
    // Minified: internal names are mangled and whitespace is gone.
    expect(code.includes('ensureReviewEnqueued')).toBe(false);
    expect(code.length / code.split('\n').length).toBeGreaterThan(1_000);
  });

  // terser rewrote the bundle after esbuild; its map is composed with esbuild's, so it still names TypeScript lines.
  it('has a source map that leads back to the TypeScript sources', () => {
    const assetDir = deployedBundle();
    const code = readFileSync(join(assetDir, 'index.mjs'), 'utf8');
    const map = new SourceMap(JSON.parse(readFileSync(join(assetDir, 'index.mjs.map'), 'utf8')));
    const origin = (needle: string) => {
      const at = code.indexOf(needle);
      expect(at, needle).toBeGreaterThanOrEqual(0);
      const before = code.slice(0, at);
      const entry = map.findEntry(before.split('\n').length - 1, at - (before.lastIndexOf('\n') + 1));
      return 'originalSource' in entry ? { source: entry.originalSource, line: entry.originalLine + 1 } : {};
    };
    const lineOf = (file: string, needle: string) =>
      readFileSync(join(import.meta.dirname, '../..', file), 'utf8')
        .split('\n')
        .findIndex((line) => line.includes(needle)) + 1;
    for (const [file, needle] of [
      ['functions/moderate.ts', 'Invalid ingest message'],
      ['shared/policy/schema.ts', 'not a valid regular expression'],
    ] as const) {
      expect(origin(`"${needle}"`)).toEqual({
        source: expect.stringMatching(new RegExp(`/${file}$`)),
        line: lineOf(file, needle),
      });
    }
  });

  // The bundle bench and the bundled-handler test build with buildModerateBundle: they must see what is deployed.
  it('is the bundle that buildModerateBundle builds, byte for byte, with the SDK inside', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'claimscan-stack-bundle-'));
    try {
      const { outfile, metafile } = await buildModerateBundle(dir, { metafile: true });
      const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
      expect(sha256(outfile)).toBe(sha256(join(deployedBundle(), MODERATE_BUNDLE.outfile)));
      // Nothing is left for the runtime to provide but Node's own modules: the SDK is bundled.
      const external = Object.values(metafile?.outputs ?? {})
        .flatMap((output) => output.imports)
        .filter((entry) => entry.external)
        .map((entry) => entry.path);
      expect(external.length).toBeGreaterThan(0);
      expect(external.filter((path) => !isBuiltin(path))).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    // esbuild and terser over the SDK: about 7 s alone, several times that while other work shares the cores.
  }, 120_000);

  it('keeps its logs for a bounded time, per stage', () => {
    dev.template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: `/aws/lambda/${names.moderateFunction}`,
      RetentionInDays: MODERATE_FUNCTION.logRetentionDays.dev,
    });
    prod.template.hasResourceProperties('AWS::Logs::LogGroup', {
      RetentionInDays: MODERATE_FUNCTION.logRetentionDays.prod,
    });
  });

  it('consumes the ingest queue in batches, reporting item failures, with bounded concurrency', () => {
    dev.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [queueId(dev.template, names.ingestQueue), 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: MODERATE_FUNCTION.batchSize,
      MaximumBatchingWindowInSeconds: MODERATE_FUNCTION.maxBatchingWindowSeconds,
      ScalingConfig: { MaximumConcurrency: MODERATE_FUNCTION.maxConcurrency },
    });
  });
});

describe('function permissions', () => {
  const roleId = () =>
    logicalId(dev.template, 'AWS::IAM::Role', { Description: Match.stringLikeRegexp('moderate') });
  const statements = (): Statement[] => {
    const policies = dev.template.findResources('AWS::IAM::Policy', {
      Properties: { Roles: [{ Ref: roleId() }] },
    });
    return Object.values(policies).flatMap(
      (policy) => policy.Properties.PolicyDocument.Statement as Statement[],
    );
  };
  const actions = (statement: Statement) => [statement.Action].flat();
  const objectArn = (prefix: string) => ({
    'Fn::Join': ['', [{ 'Fn::GetAtt': [draftsBucketId(dev.template), 'Arn'] }, `/${prefix}*`]],
  });

  it('uses no managed policies', () => {
    dev.template.hasResource('AWS::IAM::Role', {
      Properties: Match.objectLike({
        ManagedPolicyArns: Match.absent(),
        Description: Match.stringLikeRegexp('moderate'),
      }),
    });
  });

  it('reads only drafts/ (listing its keys only, to tell a deleted draft) and writes only reports/', () => {
    const s3Statements = statements().filter((statement) =>
      actions(statement).some((action) => action.startsWith('s3:')),
    );
    expect(s3Statements).toEqual([
      expect.objectContaining({
        Action: ['s3:GetObject', 's3:GetObjectVersion'],
        Resource: objectArn('drafts/'),
      }),
      expect.objectContaining(listDraftKeys(dev.template)),
      expect.objectContaining({ Action: 's3:PutObject', Resource: objectArn('reports/') }),
    ]);
  });

  it('touches only the table item operations it needs, and only sends to the review queue', () => {
    const all = statements();
    expect(all).toContainEqual(
      expect.objectContaining({
        Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
        Resource: { 'Fn::GetAtt': [logicalId(dev.template, 'AWS::DynamoDB::Table', {}), 'Arn'] },
      }),
    );
    const sqsWrites = all.filter((statement) => actions(statement).includes('sqs:SendMessage'));
    expect(sqsWrites.map((statement) => statement.Resource)).toEqual([
      { 'Fn::GetAtt': [queueId(dev.template, names.reviewQueue), 'Arn'] },
    ]);
    expect(all.filter((statement) => statement.Resource === '*')).toEqual([XRAY_STATEMENT]);
    for (const statement of all.filter((candidate) => candidate.Resource !== '*')) {
      expect(
        actions(statement).every((action) => !action.includes('*') || action === 'kms:GenerateDataKey*'),
      ).toBe(true);
    }
  });
});

describe('review API', () => {
  const actions = (statement: Statement) => [statement.Action].flat();
  const tableArn = () => ({ 'Fn::GetAtt': [logicalId(dev.template, 'AWS::DynamoDB::Table', {}), 'Arn'] });
  const indexArn = (index: string) => ({ 'Fn::Join': ['', [tableArn(), `/index/${index}`]] });
  const reviewQueueArn = () => ({ 'Fn::GetAtt': [queueId(dev.template, names.reviewQueue), 'Arn'] });
  const reviewDlqArn = () => ({ 'Fn::GetAtt': [queueId(dev.template, names.reviewDlq), 'Arn'] });
  const bucketArn = () => ({ 'Fn::GetAtt': [draftsBucketId(dev.template), 'Arn'] });
  const objectArn = (prefix: string) => ({
    'Fn::Join': ['', [{ 'Fn::GetAtt': [draftsBucketId(dev.template), 'Arn'] }, `/${prefix}*`]],
  });
  const functionName = (route: RouteName) => `${names.reviewFunctionPrefix}${route}`;
  const functionId = (route: RouteName) =>
    logicalId(dev.template, 'AWS::Lambda::Function', { FunctionName: functionName(route) });
  const roleStatements = (route: RouteName) => roleStatementsOf(dev.template, functionName(route));
  const routes = Object.keys(ROUTES) as RouteName[];
  const userPoolId = () => logicalId(dev.template, 'AWS::Cognito::UserPool', {});

  it('has a user pool without self sign-up, with a strong password policy, MFA and threat protection', () => {
    dev.template.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      Policies: {
        PasswordPolicy: Match.objectLike({
          MinimumLength: Match.anyValue(),
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        }),
      },
      MfaConfiguration: 'ON',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
      Schema: Match.arrayWith([
        Match.objectLike({
          Name: REVIEW_API.claims.publisherId.replace(/^custom:/, ''),
          AttributeDataType: 'String',
        }),
      ]),
    });
    prod.template.hasResource('AWS::Cognito::UserPool', {
      Properties: Match.objectLike({ DeletionProtection: 'ACTIVE' }),
      DeletionPolicy: 'Retain',
    });
  });

  it('has the three role groups', () => {
    const groups = Object.values(dev.template.findResources('AWS::Cognito::UserPoolGroup'));
    expect(groups.map((group) => group.Properties.GroupName).sort()).toEqual(
      Object.values(REVIEW_API.groups).sort(),
    );
    for (const group of groups) expect(group.Properties.UserPoolId).toEqual({ Ref: userPoolId() });
  });

  it('has a public app client for the page: authorization code only, publisherId read-only', () => {
    dev.template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      UserPoolId: { Ref: userPoolId() },
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
      ReadAttributes: Match.arrayWith([REVIEW_API.claims.publisherId]),
      WriteAttributes: [],
    });
  });

  it("gives the page's client chosen token lifetimes: an hour for ID and access tokens, a working day to refresh", () => {
    dev.template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      IdTokenValidity: REVIEW_API.tokens.idTokenMinutes,
      AccessTokenValidity: REVIEW_API.tokens.accessTokenMinutes,
      RefreshTokenValidity: REVIEW_API.tokens.refreshTokenHours * 60,
      AuthSessionValidity: REVIEW_API.tokens.signInSessionMinutes,
      TokenValidityUnits: { IdToken: 'minutes', AccessToken: 'minutes', RefreshToken: 'minutes' },
    });
    expect(REVIEW_API.tokens.refreshTokenHours).toBeLessThanOrEqual(24);
  });

  it('routes each method and path of shared/review/routes.ts to its function, behind the JWT authorizer', () => {
    const authorizerId = logicalId(dev.template, 'AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      JwtConfiguration: {
        Issuer: { 'Fn::GetAtt': [userPoolId(), 'ProviderURL'] },
        Audience: [{ Ref: logicalId(dev.template, 'AWS::Cognito::UserPoolClient', {}) }],
      },
    });
    const allRoutes = Object.values(dev.template.findResources('AWS::ApiGatewayV2::Route'));
    expect(allRoutes.map((route) => route.Properties.RouteKey).sort()).toEqual(
      routes.map((name) => `${ROUTES[name].method} ${ROUTES[name].template}`).sort(),
    );
    for (const route of allRoutes) {
      expect(route.Properties).toMatchObject({
        AuthorizationType: 'JWT',
        AuthorizerId: { Ref: authorizerId },
      });
    }
    for (const name of routes) {
      const integration = logicalId(dev.template, 'AWS::ApiGatewayV2::Integration', {
        IntegrationUri: { 'Fn::GetAtt': [functionId(name), 'Arn'] },
        PayloadFormatVersion: '2.0',
      });
      dev.template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: `${ROUTES[name].method} ${ROUTES[name].template}`,
        Target: { 'Fn::Join': ['', ['integrations/', { Ref: integration }]] },
      });
    }
  });

  it('logs access to a log group with retention and throttles by default', () => {
    const logGroupId = logicalId(dev.template, 'AWS::Logs::LogGroup', {
      RetentionInDays: REVIEW_API.accessLogRetentionDays.dev,
      LogGroupName: Match.absent(),
    });
    dev.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      AccessLogSettings: { DestinationArn: { 'Fn::GetAtt': [logGroupId, 'Arn'] }, Format: Match.anyValue() },
      DefaultRouteSettings: {
        ThrottlingRateLimit: REVIEW_API.throttle.rateLimit,
        ThrottlingBurstLimit: REVIEW_API.throttle.burstLimit,
      },
    });
    prod.template.hasResourceProperties('AWS::Logs::LogGroup', {
      RetentionInDays: REVIEW_API.accessLogRetentionDays.prod,
      LogGroupName: Match.absent(),
    });
  });

  // The upload function presigns PUTs into the bucket (and the reconcilers, which share one configuration, list
  // it); next moves a message no reviewer can use to the DLQ.
  it.each([
    [
      'the bucket name',
      ENV.bucketName,
      [functionName('upload'), names.reconcileDraftsFunction, names.reconcileReviewsFunction],
      () => ({ Ref: draftsBucketId(dev.template) }),
    ],
    [
      'the review DLQ',
      ENV.reviewDlqUrl,
      [functionName('next')],
      () => ({ Ref: queueId(dev.template, names.reviewDlq) }),
    ],
  ] as const)('gives %s only to the functions that need it', (_what, variable, functions, value) => {
    const given = Object.values(dev.template.findResources('AWS::Lambda::Function'))
      .filter((fn) => fn.Properties.Environment?.Variables?.[variable] !== undefined)
      .map((fn) => fn.Properties as { FunctionName: string; Environment: { Variables: object } });
    expect(given.map((fn) => fn.FunctionName).sort()).toEqual([...functions].sort());
    for (const fn of given) expect(fn.Environment.Variables).toMatchObject({ [variable]: value() });
  });

  it.each(routes)('runs %s on the newest Node.js runtime, on ARM64, with its own log group', (route) => {
    dev.template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: functionName(route),
      Runtime: newestNodeRuntime(),
      Architectures: ['arm64'],
      Handler: 'index.handler',
      Environment: {
        Variables: Match.objectLike({
          [ENV.tableName]: { Ref: logicalId(dev.template, 'AWS::DynamoDB::Table', {}) },
          [ENV.reviewQueueUrl]: { Ref: queueId(dev.template, names.reviewQueue) },
        }),
      },
      LoggingConfig: { LogGroup: { Ref: Match.anyValue() } },
    });
    for (const { template, stage } of [
      { template: dev.template, stage: 'dev' as const },
      { template: prod.template, stage: 'prod' as const },
    ]) {
      template.hasResourceProperties('AWS::Logs::LogGroup', {
        LogGroupName: `/aws/lambda/${resourceNames(stage, stage === 'dev' ? undefined : 'acme').reviewFunctionPrefix}${route}`,
        RetentionInDays: REVIEW_API.function.logRetentionDays[stage],
      });
    }
  });

  // What each route calls in shared/review/service.ts, and nothing more (besides writing its own logs).
  const expected: Record<
    RouteName,
    Array<{ Action: string | string[]; Resource: unknown; Condition?: unknown } | StatementSpec>
  > = {
    next: [
      {
        Action: [
          'sqs:ChangeMessageVisibility',
          'sqs:DeleteMessage',
          'sqs:GetQueueAttributes',
          'sqs:ReceiveMessage',
          // Renewing a message received nearly maxReceiveCount times (shared/pipeline/review-queue.ts).
          'sqs:SendMessage',
        ],
        Resource: reviewQueueArn,
      },
      { Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], Resource: tableArn },
      // The drafts pending review, counted (shared/dashboard/backlog.ts).
      { Action: 'dynamodb:Query', Resource: () => indexArn('byStatus') },
      { Action: ['s3:GetObject', 's3:GetObjectVersion'], Resource: () => objectArn('drafts/') },
      { ...DRAFT_KEYS_LISTING, Resource: bucketArn },
      { Action: 's3:GetObject', Resource: () => objectArn('reports/') },
      { ...REPORT_KEYS_LISTING, Resource: bucketArn },
      // Only to move a message no reviewer can use: a lease never dead-letters a draft.
      { Action: 'sqs:SendMessage', Resource: reviewDlqArn },
    ],
    counts: [
      { Action: 'sqs:GetQueueAttributes', Resource: reviewQueueArn },
      { Action: 'dynamodb:GetItem', Resource: tableArn },
      { Action: 'dynamodb:Query', Resource: () => indexArn('byStatus') },
    ],
    extend: [
      { Action: 'sqs:ChangeMessageVisibility', Resource: reviewQueueArn },
      { Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], Resource: tableArn },
    ],
    release: [
      { Action: 'sqs:ChangeMessageVisibility', Resource: reviewQueueArn },
      { Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], Resource: tableArn },
    ],
    decision: [
      { Action: 'sqs:DeleteMessage', Resource: reviewQueueArn },
      { Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], Resource: tableArn },
    ],
    draft: [{ Action: 'dynamodb:Query', Resource: tableArn }],
    audit: [{ Action: 'dynamodb:Query', Resource: tableArn }],
    // The presigned URLs carry this role's permission: PutObject under drafts/, nothing else.
    upload: [{ Action: 's3:PutObject', Resource: () => objectArn('drafts/') }],
    report: [
      { Action: 'dynamodb:Query', Resource: tableArn },
      { Action: ['s3:GetObject', 's3:GetObjectVersion'], Resource: () => objectArn('drafts/') },
      { ...DRAFT_KEYS_LISTING, Resource: bucketArn },
      { Action: 's3:GetObject', Resource: () => objectArn('reports/') },
      { ...REPORT_KEYS_LISTING, Resource: bucketArn },
    ],
    // The dashboard reads only through Query: counter items in the table, rows in the indexes.
    stats: [
      { Action: 'dynamodb:Query', Resource: tableArn },
      { Action: 'dynamodb:Query', Resource: () => indexArn('byStatus') },
      { Action: 'sqs:GetQueueAttributes', Resource: reviewQueueArn },
    ],
    list: [{ Action: 'dynamodb:Query', Resource: () => [indexArn('byPublisher'), indexArn('byStatus')] }],
  };
  it.each(routes)(
    'gives the %s function only the actions its route needs, on the right resources',
    (route) => {
      const statements = roleStatements(route);
      const logs = statements.filter((statement) =>
        actions(statement).every((action) => action.startsWith('logs:')),
      );
      expect(logs).toHaveLength(1);
      const ownLogs = logicalId(dev.template, 'AWS::Logs::LogGroup', {
        LogGroupName: `/aws/lambda/${functionName(route)}`,
      });
      expect(logs[0]?.Resource).toEqual({ 'Fn::GetAtt': [ownLogs, 'Arn'] });
      const others = statements.filter((statement) => !logs.includes(statement));
      expect(others.filter((statement) => statement.Resource === '*')).toEqual([XRAY_STATEMENT]);
      expect(others.filter((statement) => statement.Resource !== '*')).toEqual(
        expected[route].map((spec) => expect.objectContaining({ Effect: 'Allow', ...resolve(spec) })),
      );
      for (const statement of others.filter((candidate) => candidate.Resource !== '*'))
        expect(actions(statement).every((action) => !action.includes('*'))).toBe(true);
      dev.template.hasResource('AWS::IAM::Role', {
        Properties: Match.objectLike({
          ManagedPolicyArns: Match.absent(),
          Description: `Runs ${functionName(route)}`,
        }),
      });
    },
  );
});

describe('alarms and dashboard', () => {
  const alarmOn = (metricName: string, dimension: unknown) =>
    dev.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: metricName,
      Dimensions: [dimension],
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^Alarms') }],
    });

  it('alarms on both DLQs, on function errors and on the age of the oldest review message', () => {
    for (const dlq of [names.ingestDlq, names.reviewDlq]) {
      alarmOn('ApproximateNumberOfMessagesVisible', {
        Name: 'QueueName',
        Value: { 'Fn::GetAtt': [queueId(dev.template, dlq), 'QueueName'] },
      });
    }
    alarmOn('Errors', { Name: 'FunctionName', Value: { Ref: Match.stringLikeRegexp('^Moderate') } });
    alarmOn('ApproximateAgeOfOldestMessage', {
      Name: 'QueueName',
      Value: { 'Fn::GetAtt': [queueId(dev.template, names.reviewQueue), 'QueueName'] },
    });
    dev.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateAgeOfOldestMessage',
      Threshold: ALARMS.reviewMessageMaxAgeSeconds,
    });
  });

  const alarmsOfThisAccount = {
    StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
    ArnLike: {
      'aws:SourceArn': {
        'Fn::Join': [
          '',
          [
            'arn:',
            { Ref: 'AWS::Partition' },
            ':cloudwatch:',
            { Ref: 'AWS::Region' },
            ':',
            { Ref: 'AWS::AccountId' },
            ':alarm:*',
          ],
        ],
      },
    },
  };

  it('lets CloudWatch publish to the alarm topic, for alarms of this account only', () => {
    const topic = logicalId(dev.template, 'AWS::SNS::Topic', {});
    const [policy] = Object.values(
      dev.template.findResources('AWS::SNS::TopicPolicy', { Properties: { Topics: [{ Ref: topic }] } }),
    );
    const statements = policy?.Properties.PolicyDocument.Statement as Array<Record<string, unknown>>;
    expect(statements.filter((statement) => statement.Effect === 'Allow')).toEqual([
      {
        Sid: 'CloudWatchAlarmsPublish',
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: { Ref: topic },
        Condition: alarmsOfThisAccount,
      },
    ]);
    // The TLS-only Deny stays.
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
  });

  it("lets CloudWatch use the topic's key only for this account's alarms", () => {
    const [key] = Object.values(dev.template.findResources('AWS::KMS::Key'));
    const statements = key?.Properties.KeyPolicy.Statement as Array<Record<string, unknown>>;
    const forCloudWatch = statements.filter((statement) =>
      JSON.stringify(statement.Principal).includes('cloudwatch.amazonaws.com'),
    );
    expect(forCloudWatch).toEqual([
      expect.objectContaining({
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Condition: alarmsOfThisAccount,
      }),
    ]);
  });

  it('alarms on the age of the oldest upload, throttles and invocations near the timeout', () => {
    dev.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [
        {
          Name: 'QueueName',
          Value: { 'Fn::GetAtt': [queueId(dev.template, names.ingestQueue), 'QueueName'] },
        },
      ],
      Threshold: ALARMS.ingestMessageMaxAgeSeconds,
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^Alarms') }],
    });
    alarmOn('Throttles', { Name: 'FunctionName', Value: { Ref: Match.stringLikeRegexp('^Moderate') } });
    dev.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Duration',
      Statistic: 'Maximum',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: Match.stringLikeRegexp('^Moderate') } }],
      Threshold: ALARMS.durationShareOfTimeout * MODERATE_FUNCTION.timeoutSeconds * 1000,
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^Alarms') }],
    });
  });

  it('alarms whenever the reconciler sends anything again, and when it fails', () => {
    for (const metricName of [METRICS.reconcile.reviews, METRICS.reconcile.drafts])
      dev.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: METRICS.namespace,
        MetricName: metricName,
        Dimensions: Match.arrayWith([{ Name: 'service', Value: METRICS.reconcile.service }]),
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmActions: [{ Ref: Match.stringLikeRegexp('^Alarms') }],
      });
    for (const prefix of ['^ReconcileReviews', '^ReconcileDrafts'])
      alarmOn('Errors', { Name: 'FunctionName', Value: { Ref: Match.stringLikeRegexp(prefix) } });
  });

  it('sends alarms to an encrypted topic, with the e-mail from context subscribed', () => {
    dev.template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    dev.template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    dev.template.resourceCountIs('AWS::SNS::Subscription', 0);
    prod.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
  });

  it('charts drafts processed, flagged rate, queue depths, and the API for operators', () => {
    const body = JSON.stringify(dev.template.findResources('AWS::CloudWatch::Dashboard'));
    for (const text of [
      METRICS.names.processed,
      METRICS.names.flagged,
      'Flagged rate',
      'ApproximateNumberOfMessagesVisible',
      '\\"AWS/ApiGateway\\",\\"Count\\"',
      '\\"AWS/ApiGateway\\",\\"5xx\\"',
      '\\"AWS/ApiGateway\\",\\"Latency\\"',
    ]) {
      expect(body).toContain(text);
    }
    // The body is a JSON string inside the template: its quotes are escaped. Every API function's errors are charted.
    for (const route of Object.keys(ROUTES)) expect(body).toContain(`\\"label\\":\\"${route}\\"`);
  });

  it("alarms on the API's server errors", () => {
    dev.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/ApiGateway',
      MetricName: '5xx',
      Dimensions: [{ Name: 'ApiId', Value: { Ref: Match.stringLikeRegexp('^ReviewApi') } }],
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^Alarms') }],
    });
  });
});

describe('every function', () => {
  const functions = () => Object.entries(dev.template.findResources('AWS::Lambda::Function'));

  it("is traced with X-Ray (ours; CDK's own handlers are not)", () => {
    const ours = functions().filter(([, fn]) =>
      String(fn.Properties.FunctionName ?? '').startsWith(names.stack),
    );
    // moderate, one function per API route, two reconcilers
    expect(ours).toHaveLength(1 + Object.keys(ROUTES).length + 2);
    for (const [, fn] of ours) expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
  });

  it("logs to a log group that expires, CDK's bucket-notification and deployment handlers included", () => {
    const groups = dev.template.findResources('AWS::Logs::LogGroup');
    for (const group of Object.values(groups))
      expect(group.Properties.RetentionInDays).toEqual(expect.any(Number));
    for (const [id, fn] of functions()) {
      const target = (fn.Properties.LoggingConfig as { LogGroup?: { Ref?: string } } | undefined)?.LogGroup
        ?.Ref;
      expect(target === undefined ? undefined : groups[target], id).toBeDefined();
    }
  });
});

describe('reconciler', () => {
  const tableArn = () => ({ 'Fn::GetAtt': [logicalId(dev.template, 'AWS::DynamoDB::Table', {}), 'Arn'] });
  const queueArn = (queueName: string) => ({ 'Fn::GetAtt': [queueId(dev.template, queueName), 'Arn'] });
  const functionId = (functionName: string) =>
    logicalId(dev.template, 'AWS::Lambda::Function', { FunctionName: functionName });

  it.each([
    [names.reconcileReviewsFunction, `rate(${RECONCILER.reviews.everyMinutes} minutes)`],
    [names.reconcileDraftsFunction, 'rate(1 day)'],
  ])(
    'runs %s on an EventBridge Scheduler schedule, %s, with a role that may invoke it only',
    (name, rate) => {
      const fnArn = { 'Fn::GetAtt': [functionId(name), 'Arn'] };
      const [schedule] = Object.values(
        dev.template.findResources('AWS::Scheduler::Schedule', {
          Properties: { Target: Match.objectLike({ Arn: fnArn }) },
        }),
      );
      expect(schedule?.Properties).toMatchObject({ ScheduleExpression: rate, State: 'ENABLED' });
      const roleId = (schedule?.Properties.Target.RoleArn as { 'Fn::GetAtt': [string, string] })[
        'Fn::GetAtt'
      ][0];
      dev.template.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: {
          Statement: [
            {
              Action: 'sts:AssumeRole',
              Effect: 'Allow',
              Principal: { Service: 'scheduler.amazonaws.com' },
              Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
            },
          ],
        },
      });
      expect(
        dev.template.findResources('AWS::IAM::Role')[roleId]?.Properties.ManagedPolicyArns,
      ).toBeUndefined();
      const statements = Object.values(
        dev.template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } }),
      ).flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
      expect(statements).toEqual([{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: fnArn }]);
    },
  );

  it.each([
    [
      names.reconcileReviewsFunction,
      () => [
        {
          Action: 'dynamodb:Query',
          Resource: { 'Fn::Join': ['', [tableArn(), `/index/${TABLE.indexes.byStatus.name}`]] },
        },
        { Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], Resource: tableArn() },
        {
          Action: [
            'sqs:ChangeMessageVisibility',
            'sqs:DeleteMessage',
            'sqs:GetQueueAttributes',
            'sqs:ReceiveMessage',
            'sqs:SendMessage',
          ],
          Resource: queueArn(names.reviewQueue),
        },
      ],
    ],
    [
      names.reconcileDraftsFunction,
      () => [
        listDraftKeys(dev.template),
        {
          Action: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'],
          Resource: tableArn(),
        },
        {
          Action: 'dynamodb:Query',
          Resource: { 'Fn::Join': ['', [tableArn(), `/index/${TABLE.indexes.byPublisher.name}`]] },
        },
        { Action: ['sqs:GetQueueAttributes', 'sqs:SendMessage'], Resource: queueArn(names.ingestQueue) },
      ],
    ],
  ])('gives %s only what it calls', (name, expected) => {
    const statements = roleStatementsOf(dev.template, name).filter(
      (statement) => ![statement.Action].flat().every((action) => action.startsWith('logs:')),
    );
    expect(statements.filter((statement) => statement.Resource === '*')).toEqual([XRAY_STATEMENT]);
    expect(statements.filter((statement) => statement.Resource !== '*')).toEqual(
      expected().map((statement) => expect.objectContaining({ Effect: 'Allow', ...statement })),
    );
  });
});

describe("the README's permission list", () => {
  /** Every function the table names, and the schedules' roles. */
  const functionNames = () => ({
    moderate: names.moderateFunction,
    ...Object.fromEntries(
      (Object.keys(ROUTES) as RouteName[]).map((route) => [
        `review-${route}`,
        `${names.reviewFunctionPrefix}${route}`,
      ]),
    ),
    'reconcile-reviews': names.reconcileReviewsFunction,
    'reconcile-drafts': names.reconcileDraftsFunction,
  });

  /** Each role's grants from the template, as `resource -> actions`, resources named as the README names them. */
  function templateGrants(): Map<string, Map<string, Set<string>>> {
    const template = dev.template;
    const bucket = draftsBucketId(template);
    const table = logicalId(template, 'AWS::DynamoDB::Table', {});
    const ids = Object.fromEntries(
      Object.entries(functionNames()).map(([short, name]) => [
        logicalId(template, 'AWS::Lambda::Function', { FunctionName: name }),
        short,
      ]),
    );
    const queues: Record<string, string> = {
      [queueId(template, names.reviewQueue)]: 'review queue',
      [queueId(template, names.ingestQueue)]: 'ingest queue',
      [queueId(template, names.reviewDlq)]: 'review DLQ',
    };
    const logGroups = Object.keys(template.findResources('AWS::Logs::LogGroup'));
    const describe = (resource: unknown, condition: unknown): string => {
      if (resource === '*') return '*';
      const text = JSON.stringify(resource);
      const getAtt = (resource as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
      if (getAtt !== undefined) {
        const [id] = getAtt;
        if (id === bucket)
          return `bucket, listing ${JSON.stringify(condition).match(/"s3:prefix":"([^"]+)"/)?.[1]} only`;
        if (id === table) return 'table';
        if (queues[id] !== undefined) return queues[id] as string;
        if (logGroups.includes(id)) return 'its log group';
        if (ids[id] !== undefined) return `function ${ids[id]}`;
      }
      const objects = text.match(new RegExp(`"${bucket}","Arn"\\]\\},"/([^"]+)"`));
      if (objects !== null) return objects[1] as string;
      const index = text.match(/\/index\/([A-Za-z]+)"/);
      if (index !== null && text.includes(table)) return `index ${index[1]}`;
      throw new Error(`no README name for ${text}`);
    };
    const grants = new Map<string, Map<string, Set<string>>>();
    const add = (who: string, statements: Statement[]) => {
      const byResource = grants.get(who) ?? new Map<string, Set<string>>();
      for (const statement of statements)
        for (const resource of [statement.Resource].flat()) {
          const name = describe(resource, statement.Condition);
          const actions = byResource.get(name) ?? new Set<string>();
          for (const action of [statement.Action].flat()) actions.add(action);
          byResource.set(name, actions);
        }
      grants.set(who, byResource);
    };
    for (const [short, name] of Object.entries(functionNames())) add(short, roleStatementsOf(template, name));
    for (const schedule of Object.values(template.findResources('AWS::Scheduler::Schedule'))) {
      const fn = ids[(schedule.Properties.Target.Arn as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0]];
      const role = (schedule.Properties.Target.RoleArn as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
      add(
        `${fn} schedule`,
        Object.values(
          template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: role }] } }),
        ).flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]),
      );
    }
    return grants;
  }

  /** The README's table (after its marker): a row per function(s), actions and one resource. */
  function readmeGrants(): Map<string, Map<string, Set<string>>> {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const table = readme.slice(readme.indexOf('<!-- permissions:')).split('\n\n')[1] ?? '';
    const unquote = (cell: string) =>
      cell
        .split(',')
        .map((part) => part.trim().replace(/^`|`$/g, ''))
        .filter((part) => part !== '');
    const grants = new Map<string, Map<string, Set<string>>>();
    for (const row of table.split('\n').slice(2)) {
      const [who = '', actions = '', resource = ''] = row
        .split('|')
        .slice(1, 4)
        .map((cell) => cell.trim());
      const functions = who === 'every function' ? Object.keys(functionNames()) : unquote(who);
      for (const fn of functions) {
        const byResource = grants.get(fn) ?? new Map<string, Set<string>>();
        const name = resource.replace(/`/g, '');
        byResource.set(name, new Set([...(byResource.get(name) ?? []), ...unquote(actions)]));
        grants.set(fn, byResource);
      }
    }
    return grants;
  }

  const sorted = (grants: Map<string, Map<string, Set<string>>>) =>
    Object.fromEntries(
      [...grants.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([who, byResource]) => [
          who,
          Object.fromEntries(
            [...byResource.entries()]
              .sort(([a], [b]) => a.localeCompare(b))
              .map(([resource, actions]) => [resource, [...actions].sort()]),
          ),
        ]),
    );

  it('lists exactly what each role may do, on what', () => {
    expect(sorted(readmeGrants())).toEqual(sorted(templateGrants()));
  });
});

describe('web pages', () => {
  const distributionId = (template: Template) => logicalId(template, 'AWS::CloudFront::Distribution', {});
  const pagesBucketId = (template: Template) =>
    logicalId(template, 'AWS::S3::Bucket', {
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'pages-bucket/' }),
    });
  const pageUrl = (template: Template, path: string) => ({
    'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distributionId(template), 'DomainName'] }, `/${path}`]],
  });
  const pagesOrigin = (template: Template) => ({
    'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distributionId(template), 'DomainName'] }]],
  });
  const signInDomainId = () => logicalId(dev.template, 'AWS::Cognito::UserPoolDomain', {});
  // A CloudFormation string as text: each Ref or GetAtt becomes refs['name'] or refs['name.attribute'].
  const render = (value: unknown, refs: Record<string, string> = {}): string => {
    if (typeof value === 'string') return value;
    const {
      Ref: ref,
      'Fn::GetAtt': getAtt,
      'Fn::Join': join,
    } = value as { Ref?: string; 'Fn::GetAtt'?: [string, string]; 'Fn::Join'?: [string, unknown[]] };
    const name = ref ?? getAtt?.join('.');
    if (name !== undefined) return refs[name] ?? `<${name}>`;
    if (join !== undefined) return join[1].map((part) => render(part, refs)).join(join[0]);
    throw new Error(`cannot render ${JSON.stringify(value)}`);
  };

  it('keeps them in a private, encrypted bucket that only the distribution can read', () => {
    dev.template.hasResourceProperties('AWS::S3::Bucket', {
      LoggingConfiguration: { DestinationBucketName: { Ref: Match.stringLikeRegexp('^AccessLogs') } },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
    const policy = Object.values(
      dev.template.findResources('AWS::S3::BucketPolicy', {
        Properties: { Bucket: { Ref: pagesBucketId(dev.template) } },
      }),
    )[0];
    const allowed = (policy?.Properties.PolicyDocument.Statement as Array<{ Effect: string }>).filter(
      (statement) => statement.Effect === 'Allow',
    );
    expect(allowed).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Action: 's3:GetObject',
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [pagesBucketId(dev.template), 'Arn'] }, '/*']] },
        Condition: {
          StringEquals: {
            'AWS:SourceArn': {
              'Fn::Join': [
                '',
                [
                  'arn:',
                  { Ref: 'AWS::Partition' },
                  ':cloudfront::',
                  { Ref: 'AWS::AccountId' },
                  ':distribution/',
                  { Ref: distributionId(dev.template) },
                ],
              ],
            },
          },
        },
      },
    ]);
  });

  it('serves them through CloudFront with an origin access control, redirecting to HTTPS', () => {
    const oac = logicalId(dev.template, 'AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: {
        Name: Match.anyValue(),
        OriginAccessControlOriginType: 's3',
        SigningBehavior: 'always',
        SigningProtocol: 'sigv4',
      },
    });
    dev.template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        HttpVersion: 'http2and3',
        PriceClass: 'PriceClass_100',
        DefaultCacheBehavior: Match.objectLike({
          ViewerProtocolPolicy: 'redirect-to-https',
          AllowedMethods: ['GET', 'HEAD'],
          ResponseHeadersPolicyId: {
            Ref: logicalId(dev.template, 'AWS::CloudFront::ResponseHeadersPolicy', {}),
          },
        }),
        Origins: [
          Match.objectLike({
            DomainName: { 'Fn::GetAtt': [pagesBucketId(dev.template), 'RegionalDomainName'] },
            OriginAccessControlId: { 'Fn::GetAtt': [oac, 'Id'] },
            S3OriginConfig: { OriginAccessIdentity: '' },
          }),
        ],
      }),
    });
  });

  it('sends a strict Content-Security-Policy and the other security headers', () => {
    const [policy] = Object.values(dev.template.findResources('AWS::CloudFront::ResponseHeadersPolicy'));
    const headers = policy?.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    expect(headers).toMatchObject({
      ContentSecurityPolicy: { Override: true },
      ContentTypeOptions: { Override: true },
      FrameOptions: { FrameOption: 'DENY', Override: true },
      ReferrerPolicy: { ReferrerPolicy: 'no-referrer', Override: true },
      StrictTransportSecurity: {
        AccessControlMaxAgeSec: 63_072_000,
        IncludeSubdomains: true,
        Override: true,
      },
    });
    const csp = render(headers.ContentSecurityPolicy.ContentSecurityPolicy, {
      [signInDomainId()]: 'claimscan-dev-111122223333',
      'AWS::Region': 'eu-west-1',
      'AWS::URLSuffix': 'amazonaws.com',
    });
    expect(
      Object.fromEntries(
        csp.split('; ').map((directive) => [directive.split(' ')[0], directive.split(' ').slice(1)]),
      ),
    ).toEqual({
      'default-src': ["'self'"],
      'connect-src': [
        "'self'",
        'https://claimscan-dev-111122223333.auth.eu-west-1.amazoncognito.com',
        'https://*.execute-api.eu-west-1.amazonaws.com',
        'https://*.s3.eu-west-1.amazonaws.com',
      ],
      'script-src': ["'self'"],
      'style-src': ["'self'"],
      'object-src': ["'none'"],
      'base-uri': ["'none'"],
      'form-action': ["'self'"],
      'frame-ancestors': ["'none'"],
    });
  });

  it('deploys web/dist with a config.json for Cognito sign-in, then invalidates the distribution', () => {
    const [deployment] = Object.values(dev.template.findResources('Custom::CDKBucketDeployment'));
    const properties = deployment?.Properties;
    expect(properties).toMatchObject({
      DestinationBucketName: { Ref: pagesBucketId(dev.template) },
      DistributionId: { Ref: distributionId(dev.template) },
      DistributionPaths: ['/*'],
      Prune: true,
      RetainOnDelete: false,
      SystemMetadata: { 'cache-control': 'no-cache' },
    });
    prod.template.hasResourceProperties('Custom::CDKBucketDeployment', { RetainOnDelete: true });
    // The second source is config.json, with deploy-time markers for the values CloudFormation resolves.
    const configFile = join(
      dev.assemblyDir,
      `asset.${(properties.SourceObjectKeys[1] as string).replace(/\.zip$/, '')}`,
      'config.json',
    );
    const refs = {
      [`${logicalId(dev.template, 'AWS::ApiGatewayV2::Api', {})}.ApiEndpoint`]:
        'https://api123.execute-api.eu-west-1.amazonaws.com',
      [signInDomainId()]: 'claimscan-dev-111122223333',
      [logicalId(dev.template, 'AWS::Cognito::UserPoolClient', {})]: 'client123',
      'AWS::Region': 'eu-west-1',
      'AWS::URLSuffix': 'amazonaws.com',
    };
    const config = Object.entries(properties.SourceMarkers[1] as Record<string, unknown>).reduce(
      (text, [marker, value]) => text.replaceAll(marker, render(value, refs)),
      readFileSync(configFile, 'utf8'),
    );
    expect(PageConfig.parse(JSON.parse(config))).toEqual({
      auth: 'cognito',
      apiUrl: 'https://api123.execute-api.eu-west-1.amazonaws.com',
      signInUrl: 'https://claimscan-dev-111122223333.auth.eu-west-1.amazoncognito.com',
      clientId: 'client123',
    });
  });

  it("gives the user pool a managed login domain, styled for the pages' client", () => {
    const userPool = { Ref: logicalId(dev.template, 'AWS::Cognito::UserPool', {}) };
    dev.template.hasResourceProperties('AWS::Cognito::UserPoolDomain', {
      UserPoolId: userPool,
      Domain: { 'Fn::Join': ['', [`${names.stack}-`, { Ref: 'AWS::AccountId' }]] },
      ManagedLoginVersion: 2,
    });
    dev.template.hasResourceProperties('AWS::Cognito::ManagedLoginBranding', {
      UserPoolId: userPool,
      ClientId: { Ref: logicalId(dev.template, 'AWS::Cognito::UserPoolClient', {}) },
      UseCognitoProvidedValues: true,
    });
  });

  it('returns from sign-in and sign-out only to the hosted pages, and to the pages from context', () => {
    const urls = (template: Template) =>
      ['', ...Object.values(WEB.pages)].map((path) => pageUrl(template, path));
    dev.template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      CallbackURLs: urls(dev.template),
      LogoutURLs: urls(dev.template),
    });
    const prodUrls = [...urls(prod.template), LOCAL_PAGE_URL];
    prod.template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      CallbackURLs: prodUrls,
      LogoutURLs: prodUrls,
    });
  });

  it("lets only the pages' origins call the API from a browser", () => {
    const cors = (origins: unknown[]) => ({
      CorsConfiguration: {
        AllowOrigins: origins,
        AllowMethods: ['GET', 'POST', 'OPTIONS'],
        AllowHeaders: ['authorization', 'content-type'],
        MaxAge: 3600,
      },
    });
    dev.template.hasResourceProperties('AWS::ApiGatewayV2::Api', cors([pagesOrigin(dev.template)]));
    prod.template.hasResourceProperties(
      'AWS::ApiGatewayV2::Api',
      cors([pagesOrigin(prod.template), new URL(LOCAL_PAGE_URL).origin]),
    );
  });

  it("lets only the pages' origins upload drafts with a presigned PUT, and read one with a presigned GET", () => {
    dev.template.hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      CorsConfiguration: {
        CorsRules: [
          {
            AllowedOrigins: [pagesOrigin(dev.template)],
            AllowedMethods: ['PUT', 'GET'],
            AllowedHeaders: ['content-type', 'content-length', 'if-match', 'x-amz-*'],
            ExposedHeaders: ['ETag', 'x-amz-version-id'],
            MaxAge: 3600,
          },
        ],
      },
    });
  });
});

describe('cdk-nag AwsSolutions', () => {
  it('finds nothing left unfixed or unacknowledged', () => {
    for (const { stack } of [dev, prod]) {
      const report = new AwsSolutionsChecks().validateScope(stack);
      expect(report.violations).toEqual([]);
    }
  });

  it('has a written reason for every acknowledgment', () => {
    const acknowledged = (root: IConstruct) =>
      root.node
        .findAll()
        .flatMap((node) => node.node.metadata)
        .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((entry) => Object.entries(entry.data as Record<string, string>));
    const entries = acknowledged(dev.stack);
    expect(entries.length).toBeGreaterThan(0);
    for (const [id, reason] of entries) {
      expect(id).toMatch(/^(annotation::)?AwsSolutions-/i);
      expect(reason.length).toBeGreaterThan(40);
    }
  });
});
