// The stack as `npx cdk deploy` would deploy it: built through the same app factory, with cdk.json's context.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
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
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModerateBundle, MODERATE_BUNDLE } from '../../infra/bundling.js';
import { createPipelineApp } from '../../infra/pipeline-app.js';
import {
  ALARMS,
  ENV,
  FIFO_DEDUPLICATION_WINDOW_SECONDS,
  METRICS,
  MODERATE_FUNCTION,
  QUEUES,
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

function synth(context: Record<string, unknown>): Synthesized {
  // The CLI records asset paths in resource metadata; do the same to find the function's bundle.
  const { app, stack } = createPipelineApp({
    ...CDK_JSON.context,
    'aws:cdk:enable-asset-metadata': true,
    ...context,
  });
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

// Two stages, each bundling every function: minutes on a loaded 2-core machine, beyond the 60 s default.
beforeAll(() => {
  dev = synth({ stage: 'dev' });
  prod = synth({
    stage: 'prod',
    appName: 'acme',
    alarmEmail: 'ops@example.com',
    reviewPageUrl: LOCAL_PAGE_URL,
  });
}, 300_000);

const logicalId = (template: Template, type: string, props: Record<string, unknown>) => {
  const found = Object.keys(template.findResources(type, { Properties: Match.objectLike(props) }));
  expect(found).toHaveLength(1);
  return found[0] as string;
};
const queueId = (template: Template, queueName: string) =>
  logicalId(template, 'AWS::SQS::Queue', { QueueName: queueName });
const draftsBucketId = (template: Template) =>
  logicalId(template, 'AWS::S3::Bucket', { VersioningConfiguration: { Status: 'Enabled' } });

describe('stage and names', () => {
  // It builds (and bundles) a third app: as long as a synth in beforeAll.
  it('comes from CDK context, dev by default', { timeout: 150_000 }, () => {
    expect(dev.stack.stackName).toBe('claimscan-dev');
    expect(createPipelineApp(CDK_JSON.context).stack.stackName).toBe('claimscan-dev');
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
          NODE_OPTIONS: '--enable-source-maps',
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
  });

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
  type Statement = { Action: string | string[]; Resource: unknown; Effect: string };
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

  it('reads only drafts/ (listing keys, so a deleted draft is a 404) and writes only reports/', () => {
    const s3Statements = statements().filter((statement) =>
      actions(statement).some((action) => action.startsWith('s3:')),
    );
    expect(s3Statements).toEqual([
      expect.objectContaining({
        Action: ['s3:GetObject', 's3:GetObjectVersion'],
        Resource: objectArn('drafts/'),
      }),
      expect.objectContaining({
        Action: 's3:ListBucket',
        Resource: { 'Fn::GetAtt': [draftsBucketId(dev.template), 'Arn'] },
      }),
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
    for (const statement of all) {
      expect(
        actions(statement).every((action) => !action.includes('*') || action === 'kms:GenerateDataKey*'),
      ).toBe(true);
      expect(statement.Resource).not.toBe('*');
    }
  });
});

describe('review API', () => {
  type Statement = { Action: string | string[]; Resource: unknown; Effect: string };
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
  const roleStatements = (route: RouteName): Statement[] => {
    const roleRef = (
      Object.values(dev.template.findResources('AWS::Lambda::Function')).find(
        (fn) => fn.Properties.FunctionName === functionName(route),
      )?.Properties.Role as { 'Fn::GetAtt': [string, string] }
    )['Fn::GetAtt'][0];
    return Object.values(
      dev.template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleRef }] } }),
    ).flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
  };
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

  // The upload function presigns PUTs into the bucket; next moves a message no reviewer can use to the DLQ.
  it.each([
    ['the bucket name', ENV.bucketName, 'upload', () => ({ Ref: draftsBucketId(dev.template) })],
    ['the review DLQ', ENV.reviewDlqUrl, 'next', () => ({ Ref: queueId(dev.template, names.reviewDlq) })],
  ] as const)('gives only one function %s', (_what, variable, route, value) => {
    const given = Object.values(dev.template.findResources('AWS::Lambda::Function'))
      .filter((fn) => fn.Properties.Environment?.Variables?.[variable] !== undefined)
      .map((fn) => fn.Properties as { FunctionName: string; Environment: { Variables: object } });
    expect(given.map((fn) => fn.FunctionName)).toEqual([functionName(route)]);
    expect(given[0]?.Environment.Variables).toMatchObject({ [variable]: value() });
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
  const expected: Record<RouteName, Array<{ Action: string | string[]; Resource: () => unknown }>> = {
    next: [
      {
        Action: [
          'sqs:ChangeMessageVisibility',
          'sqs:DeleteMessage',
          'sqs:GetQueueAttributes',
          'sqs:ReceiveMessage',
        ],
        Resource: reviewQueueArn,
      },
      { Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], Resource: tableArn },
      { Action: ['s3:GetObject', 's3:GetObjectVersion'], Resource: () => objectArn('drafts/') },
      { Action: 's3:ListBucket', Resource: bucketArn },
      { Action: 's3:GetObject', Resource: () => objectArn('reports/') },
      // Only to move a message no reviewer can use: a lease never dead-letters a draft.
      { Action: 'sqs:SendMessage', Resource: reviewDlqArn },
    ],
    counts: [
      { Action: 'sqs:GetQueueAttributes', Resource: reviewQueueArn },
      { Action: 'dynamodb:GetItem', Resource: tableArn },
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
      { Action: 's3:ListBucket', Resource: bucketArn },
      { Action: 's3:GetObject', Resource: () => objectArn('reports/') },
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
      expect(statements.filter((statement) => !logs.includes(statement))).toEqual(
        expected[route].map(({ Action, Resource }) =>
          expect.objectContaining({ Effect: 'Allow', Action, Resource: Resource() }),
        ),
      );
      for (const statement of statements) {
        expect(actions(statement).every((action) => !action.includes('*'))).toBe(true);
        expect(statement.Resource).not.toBe('*');
      }
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
