// The moderation pipeline on AWS: drafts/ upload -> ingest queue -> moderate function -> results table + review queue.
import {
  AssetStaging,
  CfnOutput,
  CfnResource,
  Duration,
  RemovalPolicy,
  Stack,
  Validations,
} from 'aws-cdk-lib';
import type { StackProps } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BundlingOptions, ICommandHooks } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import {
  ALARMS,
  ENV,
  METRICS,
  MODERATE_FUNCTION,
  PREFIXES,
  QUEUES,
  RECONCILER,
  resourceNames,
  REVIEW_API,
  TABLE,
  tableIndexes,
  queueDefinitions,
  WEB,
} from '../shared/pipeline/resources.js';
import type { QueueDefinition, Stage } from '../shared/pipeline/resources.js';
import { ROUTES } from '../shared/review/routes.js';
import type { RouteName } from '../shared/review/routes.js';
import {
  BUNDLE,
  esbuildArgs,
  functionEntry,
  MODERATE_BUNDLE,
  moderateAfterBundlingCommands,
  PROJECT_ROOT,
} from './bundling.js';
import { AccountBoundQueueDestination } from './notifications.js';
import { WebHosting } from './web-hosting.js';

export interface PipelineStackProps extends StackProps {
  stage: Stage;
  appName: string;
  /** Subscribed to the alarm topic when given. */
  alarmEmail?: string;
  /**
   * Pages served elsewhere too (say a dev server on localhost, the only plain http Cognito allows): extra
   * callback and sign-out URLs, and their origins may call the API and upload drafts.
   */
  reviewPageUrls?: string[];
}

export class PipelineStack extends Stack {
  constructor(scope: Construct, id: string, props: PipelineStackProps) {
    super(scope, id, props);
    const { stage } = props;
    const names = resourceNames(stage, props.appName);
    const prod = stage === 'prod';
    // Dev stacks are disposable; production data outlives the stack.
    const removalPolicy = prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    // --- Storage ----------------------------------------------------------------------------------------------
    const secureBucket = {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy,
    };
    const accessLogs = new s3.Bucket(this, 'AccessLogs', {
      ...secureBucket,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(prod ? 365 : 30) }],
    });
    const bucket = new s3.Bucket(this, 'Drafts', {
      ...secureBucket,
      versioned: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'drafts-bucket/',
      lifecycleRules: [
        {
          id: 'expire-old-versions',
          noncurrentVersionExpiration: Duration.days(prod ? 90 : 30),
          expiredObjectDeleteMarker: true,
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
    });

    const table = new dynamodb.Table(this, 'Results', {
      tableName: names.table,
      partitionKey: { name: TABLE.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE.sortKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      deletionProtection: prod,
      removalPolicy,
    });
    for (const index of tableIndexes()) {
      table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: dynamodb.AttributeType.STRING },
        sortKey: { name: index.sortKey, type: dynamodb.AttributeType.STRING },
        projectionType: dynamodb.ProjectionType.INCLUDE,
        nonKeyAttributes: index.projection.nonKeyAttributes,
      });
    }

    // --- Queues -----------------------------------------------------------------------------------------------
    const secureQueue = { encryption: sqs.QueueEncryption.SQS_MANAGED, enforceSSL: true, removalPolicy };
    const queues = queueDefinitions(names);
    // Each queue and its DLQ from the definition the local runner also creates them from.
    const queueWithDeadLetter = (id: string, definition: QueueDefinition) => {
      const deadLetter = new sqs.Queue(this, `${id}Dlq`, {
        ...secureQueue,
        queueName: definition.deadLetter.name,
        ...(definition.fifo && { fifo: true }),
        retentionPeriod: Duration.seconds(definition.deadLetter.retentionSeconds),
      });
      const queue = new sqs.Queue(this, `${id}Queue`, {
        ...secureQueue,
        queueName: definition.name,
        ...(definition.fifo && {
          fifo: true,
          contentBasedDeduplication: definition.contentBasedDeduplication,
        }),
        ...(definition.visibilityTimeoutSeconds !== undefined && {
          visibilityTimeout: Duration.seconds(definition.visibilityTimeoutSeconds),
        }),
        retentionPeriod: Duration.seconds(definition.retentionSeconds),
        deadLetterQueue: { queue: deadLetter, maxReceiveCount: definition.maxReceiveCount },
      });
      return { queue, deadLetter };
    };
    // S3 event notifications can only target standard queues; the results table's conditions make it idempotent.
    const { queue: ingestQueue, deadLetter: ingestDlq } = queueWithDeadLetter('Ingest', queues.ingest);
    // FIFO: the function supplies a deduplication id per draft version.
    const { queue: reviewQueue, deadLetter: reviewDlq } = queueWithDeadLetter('Review', queues.review);

    bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new AccountBoundQueueDestination(ingestQueue), {
      prefix: PREFIXES.drafts,
    });
    // CDK's singleton that applies the notification configuration; its role is defined by CDK, not here.
    const notificationsHandler = this.node.children.find((child) =>
      child.node.id.startsWith('BucketNotificationsHandler'),
    );
    if (notificationsHandler !== undefined) {
      // Lambda would create its log group on first run, kept forever: this one expires like the others.
      const handlerLogs = new logs.LogGroup(this, 'BucketNotificationsHandlerLogs', {
        logGroupName: `/${names.stack}/bucket-notifications`,
        retention: MODERATE_FUNCTION.logRetentionDays[stage],
        removalPolicy,
      });
      (notificationsHandler.node.defaultChild as CfnResource).addPropertyOverride('LoggingConfig', {
        LogGroup: handlerLogs.logGroupName,
      });
      Validations.of(notificationsHandler).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason:
          'CDK-managed BucketNotificationsHandler: CDK attaches the basic execution policy so it can write its logs.',
      });
    }

    // --- Function ---------------------------------------------------------------------------------------------
    // Every function is bundled from infra/bundling.ts's BUNDLE; only the entry (and the moderate function's
    // terser pass) differ.
    const bundling = (commandHooks?: ICommandHooks): BundlingOptions => ({
      target: BUNDLE.target,
      format: OutputFormat.ESM,
      minify: BUNDLE.minify,
      sourceMap: BUNDLE.sourcemap,
      sourcesContent: BUNDLE.sourcesContent,
      mainFields: [...BUNDLE.mainFields],
      banner: BUNDLE.banner,
      bundleAwsSDK: true,
      externalModules: BUNDLE.external,
      esbuildArgs: esbuildArgs(),
      // Docker bundling (used when esbuild is not installed) mounts the project here: the aliases' relative paths
      // resolve from it, as they do from the project root when bundling locally.
      workingDirectory: AssetStaging.BUNDLING_INPUT_DIR,
      ...(commandHooks !== undefined && { commandHooks }),
    });
    const logGroup = new logs.LogGroup(this, 'ModerateLogs', {
      logGroupName: `/aws/lambda/${names.moderateFunction}`,
      retention: MODERATE_FUNCTION.logRetentionDays[stage],
      removalPolicy,
    });
    // Listing only under drafts/ (s3:prefix): a read of a deleted draft then gets 403, not 404, and the function
    // lists that one key to tell a gone version from a denied one (shared/pipeline/s3.ts, readIfPresent).
    const listDraftKeys = new iam.PolicyStatement({
      sid: 'ListDraftKeys',
      actions: ['s3:ListBucket', 's3:ListBucketVersions'],
      resources: [bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': `${PREFIXES.drafts}*` } },
    });
    // An explicit role: only the grants below, no managed policies.
    const role = new iam.Role(this, 'ModerateRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs ${names.moderateFunction}`,
    });
    logGroup.grantWrite(role);
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadDrafts',
        actions: ['s3:GetObject', 's3:GetObjectVersion'],
        resources: [bucket.arnForObjects(`${PREFIXES.drafts}*`)],
      }),
    );
    role.addToPolicy(listDraftKeys);
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'WriteReports',
        actions: ['s3:PutObject'],
        resources: [bucket.arnForObjects(`${PREFIXES.reports}*`)],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'RecordResults',
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
        resources: [table.tableArn],
      }),
    );
    reviewQueue.grantSendMessages(role);
    const bucketId = this.getLogicalId(bucket.node.defaultChild as s3.CfnBucket);
    // Active tracing adds X-Ray's two write actions to each function's role.
    const acknowledgeTracing = (traced: iam.Role) =>
      Validations.of(traced).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'Active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords take no resource narrower than *.',
      });
    acknowledgeTracing(role);
    for (const [prefix, access] of [
      [PREFIXES.drafts, 'read'],
      [PREFIXES.reports, 'write'],
    ] as const) {
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${prefix}*]`,
        reason: `Object keys are not known in advance; ${access} access is limited to the ${prefix} prefix.`,
      });
    }

    const moderate = new NodejsFunction(this, 'Moderate', {
      functionName: names.moderateFunction,
      description: 'Moderates drafts uploaded under drafts/ and records the results',
      entry: MODERATE_BUNDLE.entry,
      projectRoot: PROJECT_ROOT,
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: MODERATE_FUNCTION.memoryMiB,
      timeout: Duration.seconds(MODERATE_FUNCTION.timeoutSeconds),
      tracing: lambda.Tracing.ACTIVE,
      role,
      logGroup,
      environment: {
        [ENV.stage]: stage,
        [ENV.tableName]: table.tableName,
        [ENV.reviewQueueUrl]: reviewQueue.queueUrl,
        [ENV.serviceName]: METRICS.service,
        [ENV.metricsNamespace]: METRICS.namespace,
        [ENV.logLevel]: prod ? 'INFO' : 'DEBUG',
        NODE_OPTIONS: MODERATE_FUNCTION.nodeOptions,
      },
      // terser's second pass over the bundle (infra/bundling.ts says why).
      bundling: bundling({
        beforeBundling: () => [],
        beforeInstall: () => [],
        afterBundling: (inputDir, outputDir) => moderateAfterBundlingCommands(inputDir, outputDir),
      }),
    });
    moderate.addEventSource(
      new SqsEventSource(ingestQueue, {
        batchSize: MODERATE_FUNCTION.batchSize,
        maxBatchingWindow: Duration.seconds(MODERATE_FUNCTION.maxBatchingWindowSeconds),
        maxConcurrency: MODERATE_FUNCTION.maxConcurrency,
        reportBatchItemFailures: true,
      }),
    );

    // --- Review API (issue 5) ---------------------------------------------------------------------------------
    // Who may call it: a Cognito user pool, administered (no self sign-up), with groups for the three roles.
    const publisherIdAttribute = REVIEW_API.claims.publisherId.replace(/^custom:/, '');
    const userPool = new cognito.UserPool(this, 'Users', {
      userPoolName: names.userPool,
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      // Set by an administrator; the app client below cannot write it, so users cannot change their own.
      customAttributes: { [publisherIdAttribute]: new cognito.StringAttribute({ minLen: 1, maxLen: 128 }) },
      passwordPolicy: {
        minLength: 14,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      // Authenticator apps only: SMS would need an SNS role and a sending budget.
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { sms: false, otp: true },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      // Plus: threat protection blocks sign-ins from compromised credentials and risky sign-in attempts.
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: prod,
      removalPolicy,
    });
    for (const [id, groupName] of [
      ['ReviewersGroup', REVIEW_API.groups.reviewer],
      ['ViewersGroup', REVIEW_API.groups.viewer],
      ['PublishersGroup', REVIEW_API.groups.publisher],
    ] as const) {
      new cognito.CfnUserPoolGroup(this, id, { userPoolId: userPool.userPoolId, groupName });
    }
    // Managed login (the pages' sign-in); a prefix must be unique in the region, hence the account.
    const signInDomain = userPool.addDomain('SignInDomain', {
      cognitoDomain: { domainPrefix: `${names.stack}-${this.account}` },
      managedLoginVersion: cognito.ManagedLoginVersion.NEWER_MANAGED_LOGIN,
    });

    // --- Web pages (issue 5) ----------------------------------------------------------------------------------
    // The API's and the drafts bucket's CORS name the distribution, so the CSP cannot name them back (a
    // dependency cycle): it allows their endpoints in this region instead.
    const web = new WebHosting(this, 'Web', {
      bucketProps: secureBucket,
      accessLogs,
      connectSources: [
        signInDomain.baseUrl(),
        `https://*.execute-api.${this.region}.${this.urlSuffix}`,
        `https://*.s3.${this.region}.${this.urlSuffix}`,
      ],
      retainPages: prod,
      logRetention: MODERATE_FUNCTION.logRetentionDays[stage],
    });
    const pageUrls = [
      `${web.origin}/`,
      ...Object.values(WEB.pages).map((page) => web.url(page)),
      ...(props.reviewPageUrls ?? []),
    ];
    const pageOrigins = [web.origin, ...(props.reviewPageUrls ?? []).map((url) => new URL(url).origin)];
    // The publisher page uploads drafts with a presigned PUT; x-amz-* covers the SDK's checksum headers. The
    // pages fetch a draft's text too large for the API's answer with a presigned GET.
    bucket.addCorsRule({
      allowedOrigins: pageOrigins,
      allowedMethods: [s3.HttpMethods.PUT, s3.HttpMethods.GET],
      allowedHeaders: ['content-type', 'content-length', 'if-match', 'x-amz-*'],
      exposedHeaders: ['ETag', 'x-amz-version-id'],
      maxAge: 3600,
    });

    // The pages: a public client, authorization code with PKCE, no implicit flow.
    // The page sends the ID token: Cognito puts custom attributes (publisherId) in ID tokens, not access tokens.
    const pageClient = userPool.addClient('ReviewPageClient', {
      userPoolClientName: `${names.reviewApi}-page`,
      generateSecret: false,
      authFlows: {
        user: false,
        userSrp: false,
        userPassword: false,
        adminUserPassword: false,
        custom: false,
      },
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL],
        callbackUrls: pageUrls,
        logoutUrls: pageUrls,
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      readAttributes: new cognito.ClientAttributes()
        .withStandardAttributes({ email: true, emailVerified: true })
        .withCustomAttributes(publisherIdAttribute),
      writeAttributes: new cognito.ClientAttributes(),
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      // Chosen, not Cognito's defaults (a 30-day refresh token): REVIEW_API.tokens says why.
      idTokenValidity: Duration.minutes(REVIEW_API.tokens.idTokenMinutes),
      accessTokenValidity: Duration.minutes(REVIEW_API.tokens.accessTokenMinutes),
      refreshTokenValidity: Duration.hours(REVIEW_API.tokens.refreshTokenHours),
      authSessionValidity: Duration.minutes(REVIEW_API.tokens.signInSessionMinutes),
    });
    // Managed login shows nothing for a client without a style: Cognito's default one.
    new cognito.CfnManagedLoginBranding(this, 'SignInBranding', {
      userPoolId: userPool.userPoolId,
      clientId: pageClient.userPoolClientId,
      useCognitoProvidedValues: true,
    });

    // One function per route (functions/review-<route>.ts). What each calls, from shared/review/service.ts:
    // - next: sqs:ReceiveMessage on the review queue; dynamodb:UpdateItem (the lease, and the reviewer's pointer to
    //   it) and GetItem (the pointer, a lost condition), sqs:DeleteMessage (a message whose version is already
    //   decided); s3:GetObject and GetObjectVersion on drafts/* (the draft's text, also signed into a presigned
    //   GET when it is too large to send) with s3:ListBucket under drafts/ (so a deleted draft is a 404),
    //   s3:GetObject on reports/* (an overflowed result's digest, else the result) with s3:ListBucket under
    //   reports/ (so a missing digest is a 404); sqs:ChangeMessageVisibility (a skipped lease handed back),
    //   sqs:GetQueueAttributes and dynamodb:Query on byStatus (the counts it answers with, drafts each counted once:
    //   shared/dashboard/backlog.ts), sqs:SendMessage on the review DLQ (a message no
    //   reviewer can use) and on the review queue (renewing a message near its receive limit).
    // - counts: dynamodb:GetItem (the caller's lease pointer and its version); the counts, as next.
    // - extend: dynamodb:UpdateItem (the lease), GetItem (the 409's current state); sqs:ChangeMessageVisibility.
    // - release: as extend (the lease removed, the message made visible).
    // - decision: dynamodb:UpdateItem (the decision), PutItem (the audit entry), GetItem (the 409's current state);
    //   sqs:DeleteMessage.
    // - draft: dynamodb:Query (the draft's history).
    // - audit: dynamodb:Query (audit entries, then the history when there are none).
    // - upload: s3:PutObject on drafts/* only, for its presigned URLs, which carry the role's permission; the
    //   only one given the bucket's name. The others read the bucket a record names.
    // - report: dynamodb:Query (the history, for the version); the draft's text and an overflowed result, as next.
    // - stats: dynamodb:Query on the table (the window's counter items) and on byStatus (the oldest pending
    //   draft); sqs:GetQueueAttributes (the backlog). list: dynamodb:Query on the two indexes only.
    // - next and decision also add a decision to the counter items: the UpdateItem they already have.
    const readDrafts = new iam.PolicyStatement({
      sid: 'ReadDrafts',
      actions: ['s3:GetObject', 's3:GetObjectVersion'],
      resources: [bucket.arnForObjects(`${PREFIXES.drafts}*`)],
    });
    const readReports = new iam.PolicyStatement({
      sid: 'ReadReports',
      actions: ['s3:GetObject'],
      resources: [bucket.arnForObjects(`${PREFIXES.reports}*`)],
    });
    // A report's digest may not exist (a result stored before digests were): listing that one key under reports/
    // tells its 403 from a denied read, as for drafts. Reports are never versioned reads: no ListBucketVersions.
    const listReportKeys = new iam.PolicyStatement({
      sid: 'ListReportKeys',
      actions: ['s3:ListBucket'],
      resources: [bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': `${PREFIXES.reports}*` } },
    });
    const writeDrafts = new iam.PolicyStatement({
      sid: 'WriteDrafts',
      actions: ['s3:PutObject'],
      resources: [bucket.arnForObjects(`${PREFIXES.drafts}*`)],
    });
    const objectPrefixes = new Map([
      [readDrafts, PREFIXES.drafts],
      [readReports, PREFIXES.reports],
      [writeDrafts, PREFIXES.drafts],
    ]);
    const tableAccess = (...actions: string[]) =>
      new iam.PolicyStatement({
        sid: 'Results',
        actions: actions.map((action) => `dynamodb:${action}`),
        resources: [table.tableArn],
      });
    const indexQuery = (...indexes: string[]) =>
      new iam.PolicyStatement({
        sid: 'ResultsIndexes',
        actions: ['dynamodb:Query'],
        resources: indexes.map((index) => `${table.tableArn}/index/${index}`),
      });
    const reviewQueueAccess = (...actions: string[]) =>
      new iam.PolicyStatement({
        sid: 'ReviewQueue',
        actions: actions.map((action) => `sqs:${action}`),
        resources: [reviewQueue.queueArn],
      });
    const reviewRoutes: Record<
      RouteName,
      { description: string; statements: iam.PolicyStatement[]; environment?: Record<string, string> }
    > = {
      next: {
        description: "Leases the next flagged draft to a reviewer, or resumes the reviewer's own",
        statements: [
          reviewQueueAccess(
            'ReceiveMessage',
            'DeleteMessage',
            'ChangeMessageVisibility',
            'GetQueueAttributes',
            'SendMessage',
          ),
          tableAccess('GetItem', 'UpdateItem'),
          indexQuery(TABLE.indexes.byStatus.name),
          readDrafts,
          listDraftKeys,
          readReports,
          listReportKeys,
          new iam.PolicyStatement({
            sid: 'ReviewDlq',
            actions: ['sqs:SendMessage'],
            resources: [reviewDlq.queueArn],
          }),
        ],
        environment: { [ENV.reviewDlqUrl]: reviewDlq.queueUrl },
      },
      counts: {
        description: "Counts the review queue and finds the reviewer's own lease",
        statements: [
          reviewQueueAccess('GetQueueAttributes'),
          tableAccess('GetItem'),
          indexQuery(TABLE.indexes.byStatus.name),
        ],
      },
      extend: {
        description: "Restarts a reviewer's lease",
        statements: [reviewQueueAccess('ChangeMessageVisibility'), tableAccess('GetItem', 'UpdateItem')],
      },
      release: {
        description: "Hands a reviewer's lease back to the queue",
        statements: [reviewQueueAccess('ChangeMessageVisibility'), tableAccess('GetItem', 'UpdateItem')],
      },
      decision: {
        description: "Records a reviewer's decision and its audit entry",
        statements: [reviewQueueAccess('DeleteMessage'), tableAccess('GetItem', 'PutItem', 'UpdateItem')],
      },
      draft: { description: "Reads a draft's latest result and history", statements: [tableAccess('Query')] },
      audit: { description: "Reads a draft version's audit trail", statements: [tableAccess('Query')] },
      upload: {
        description: "Presigns a publisher's draft upload",
        statements: [writeDrafts],
        environment: { [ENV.bucketName]: bucket.bucketName },
      },
      report: {
        description: "Reads a draft version's full report",
        statements: [tableAccess('Query'), readDrafts, listDraftKeys, readReports, listReportKeys],
      },
      stats: {
        description: "Reads the dashboard's counts, durations and review backlog",
        statements: [
          tableAccess('Query'),
          indexQuery(TABLE.indexes.byStatus.name),
          reviewQueueAccess('GetQueueAttributes'),
        ],
      },
      list: {
        description: 'Lists drafts newest first, by status or publisher',
        statements: [indexQuery(TABLE.indexes.byStatus.name, TABLE.indexes.byPublisher.name)],
      },
    };
    const reconcilerEnvironment = {
      [ENV.ingestQueueUrl]: ingestQueue.queueUrl,
      [ENV.bucketName]: bucket.bucketName,
      [ENV.bucketVersioned]: 'true',
    };
    // A function with its own log group and role, holding only `statements` (review API routes, reconcilers).
    const functionWithOwnRole = (spec: {
      id: string;
      functionName: string;
      description: string;
      entry: string;
      statements: iam.PolicyStatement[];
      environment: Record<string, string>;
      memoryMiB: number;
      timeoutSeconds: number;
    }) => {
      const { id, functionName, statements } = spec;
      const functionLogs = new logs.LogGroup(this, `${id}Logs`, {
        logGroupName: `/aws/lambda/${functionName}`,
        retention: MODERATE_FUNCTION.logRetentionDays[stage],
        removalPolicy,
      });
      const functionRole = new iam.Role(this, `${id}Role`, {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
        description: `Runs ${functionName}`,
      });
      functionLogs.grantWrite(functionRole);
      acknowledgeTracing(functionRole);
      for (const statement of statements) functionRole.addToPolicy(statement);
      for (const prefix of new Set(statements.flatMap((statement) => objectPrefixes.get(statement) ?? []))) {
        Validations.of(functionRole).acknowledge({
          id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${prefix}*]`,
          reason: `Object keys are not known in advance; access is limited to the ${prefix} prefix.`,
        });
      }
      return new NodejsFunction(this, id, {
        functionName,
        description: spec.description,
        entry: spec.entry,
        projectRoot: PROJECT_ROOT,
        handler: 'handler',
        runtime: lambda.Runtime.NODEJS_24_X,
        architecture: lambda.Architecture.ARM_64,
        memorySize: spec.memoryMiB,
        timeout: Duration.seconds(spec.timeoutSeconds),
        tracing: lambda.Tracing.ACTIVE,
        role: functionRole,
        logGroup: functionLogs,
        environment: {
          [ENV.stage]: stage,
          [ENV.tableName]: table.tableName,
          [ENV.reviewQueueUrl]: reviewQueue.queueUrl,
          [ENV.logLevel]: prod ? 'INFO' : 'DEBUG',
          NODE_OPTIONS: '--enable-source-maps',
          ...spec.environment,
        },
        bundling: bundling(),
      });
    };
    const reviewFunctions = {} as Record<RouteName, NodejsFunction>;
    for (const [route, { description, statements, environment = {} }] of Object.entries(
      reviewRoutes,
    ) as Array<[RouteName, (typeof reviewRoutes)[RouteName]]>) {
      reviewFunctions[route] = functionWithOwnRole({
        id: `Review${route[0]?.toUpperCase()}${route.slice(1)}`,
        functionName: `${names.reviewFunctionPrefix}${route}`,
        description: `Review API, ${ROUTES[route].method} ${ROUTES[route].template}: ${description}`,
        entry: functionEntry(`review-${route}`),
        statements,
        environment,
        memoryMiB: REVIEW_API.function.memoryMiB,
        timeoutSeconds: REVIEW_API.function.timeoutSeconds,
      });
    }

    // --- Reconciler (issue 12) --------------------------------------------------------------------------------
    // What each calls, from shared/pipeline/reconcile.ts:
    // - reviews: dynamodb:Query on byStatus (the pending versions), GetItem (a candidate's item), UpdateItem (the
    //   resend's claim, or the pipeline's reviewEnqueuedAt); sqs:GetQueueAttributes (the queue's counts and
    //   creation), ReceiveMessage and ChangeMessageVisibility (the inventory, which lets every message go again),
    //   SendMessage on the review queue (a resend; and with DeleteMessage, renewing a message near its receive
    //   limit, shared/pipeline/review-queue.ts).
    // - drafts: s3:ListBucket and ListBucketVersions under drafts/ only; dynamodb:Query on byPublisher (the
    //   publisher's recorded versions) and on the table (a draft's latest result), PutItem (the resend's marker,
    //   the sweep's cursor), GetItem and DeleteItem (the cursor); sqs:GetQueueAttributes (its creation) and
    //   SendMessage on the ingest queue.
    const reconcilers = {
      reviews: functionWithOwnRole({
        id: 'ReconcileReviews',
        functionName: names.reconcileReviewsFunction,
        description: 'Re-enqueues versions pending review whose review message is gone',
        entry: functionEntry('reconcile-reviews'),
        statements: [
          indexQuery(TABLE.indexes.byStatus.name),
          tableAccess('GetItem', 'UpdateItem'),
          reviewQueueAccess(
            'ChangeMessageVisibility',
            'DeleteMessage',
            'GetQueueAttributes',
            'ReceiveMessage',
            'SendMessage',
          ),
        ],
        environment: reconcilerEnvironment,
        memoryMiB: RECONCILER.reviews.memoryMiB,
        timeoutSeconds: RECONCILER.reviews.timeoutSeconds,
      }),
      drafts: functionWithOwnRole({
        id: 'ReconcileDrafts',
        functionName: names.reconcileDraftsFunction,
        description: 'Sends the upload event again for drafts/ objects without a result',
        entry: functionEntry('reconcile-drafts'),
        statements: [
          listDraftKeys,
          tableAccess('DeleteItem', 'GetItem', 'PutItem', 'Query'),
          indexQuery(TABLE.indexes.byPublisher.name),
          new iam.PolicyStatement({
            sid: 'IngestQueue',
            actions: ['sqs:GetQueueAttributes', 'sqs:SendMessage'],
            resources: [ingestQueue.queueArn],
          }),
        ],
        environment: reconcilerEnvironment,
        memoryMiB: RECONCILER.drafts.memoryMiB,
        timeoutSeconds: RECONCILER.drafts.timeoutSeconds,
      }),
    };
    // Each schedule assumes a role of its own, which may invoke its function and nothing else.
    for (const [id, fn, every] of [
      ['ReconcileReviewsSchedule', reconcilers.reviews, Duration.minutes(RECONCILER.reviews.everyMinutes)],
      ['ReconcileDraftsSchedule', reconcilers.drafts, Duration.days(RECONCILER.drafts.everyDays)],
    ] as const) {
      const scheduleRole = new iam.Role(this, `${id}Role`, {
        assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
          conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
        }),
        description: `Lets EventBridge Scheduler invoke ${fn.node.id} and nothing else`,
      });
      scheduleRole.addToPolicy(
        new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [fn.functionArn] }),
      );
      new scheduler.Schedule(this, id, {
        schedule: scheduler.ScheduleExpression.rate(every),
        description: `Runs ${fn.node.id} (README, Nothing stranded)`,
        target: {
          bind: () => ({ arn: fn.functionArn, role: scheduleRole, retryPolicy: { maximumRetryAttempts: 2 } }),
        },
      });
    }

    // The HTTP API: every route behind a JWT authorizer that accepts the pool's tokens for the page's client.
    const authorizer = new HttpJwtAuthorizer('CognitoAuthorizer', userPool.userPoolProviderUrl, {
      authorizerName: 'cognito',
      jwtAudience: [pageClient.userPoolClientId],
    });
    const api = new apigw.HttpApi(this, 'ReviewApi', {
      apiName: names.reviewApi,
      description: `${names.stack} review API`,
      createDefaultStage: false,
      defaultAuthorizer: authorizer,
      // API Gateway answers the preflight itself, before the authorizer.
      corsPreflight: {
        allowOrigins: pageOrigins,
        allowMethods: [apigw.CorsHttpMethod.GET, apigw.CorsHttpMethod.POST, apigw.CorsHttpMethod.OPTIONS],
        allowHeaders: ['authorization', 'content-type'],
        maxAge: Duration.hours(1),
      },
    });
    for (const [route, fn] of Object.entries(reviewFunctions) as Array<[RouteName, NodejsFunction]>) {
      api.addRoutes({
        path: ROUTES[route].template,
        methods: [apigw.HttpMethod[ROUTES[route].method]],
        integration: new HttpLambdaIntegration(`${fn.node.id}Integration`, fn),
      });
    }
    const apiAccessLogs = new logs.LogGroup(this, 'ReviewApiAccessLogs', {
      retention: REVIEW_API.accessLogRetentionDays[stage],
      removalPolicy,
    });
    const apiStage = new apigw.HttpStage(this, 'ReviewApiStage', {
      httpApi: api,
      stageName: '$default',
      autoDeploy: true,
      throttle: REVIEW_API.throttle,
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(apiAccessLogs),
        format: apigateway.AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            requestTime: '$context.requestTime',
            ip: '$context.identity.sourceIp',
            routeKey: '$context.routeKey',
            status: '$context.status',
            responseLength: '$context.responseLength',
            latencyMs: '$context.responseLatency',
            sub: '$context.authorizer.claims.sub',
            authorizerError: '$context.authorizer.error',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });
    web.deploy({
      auth: 'cognito',
      // No trailing slash: the pages append paths that start with one.
      apiUrl: api.apiEndpoint,
      signInUrl: signInDomain.baseUrl(),
      clientId: pageClient.userPoolClientId,
    });

    // --- Alarms and dashboard ---------------------------------------------------------------------------------
    const alarmKey = new kms.Key(this, 'AlarmTopicKey', {
      description: `Encrypts ${names.stack} alarm notifications`,
      enableKeyRotation: true,
      removalPolicy,
    });
    // CloudWatch publishes to the encrypted topic, so it must be able to use the key and to publish: both only
    // for alarms of this account (without the Allow on the topic, alarm notifications are silently dropped).
    const alarmsOfThisAccount = {
      StringEquals: { 'aws:SourceAccount': this.account },
      ArnLike: { 'aws:SourceArn': `arn:${this.partition}:cloudwatch:${this.region}:${this.account}:alarm:*` },
    };
    const cloudWatch = new iam.ServicePrincipal('cloudwatch.amazonaws.com');
    alarmKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsEncrypt',
        principals: [cloudWatch],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: alarmsOfThisAccount,
      }),
    );
    const alarmTopic = new sns.Topic(this, 'Alarms', { masterKey: alarmKey, enforceSSL: true });
    alarmTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [cloudWatch],
        actions: ['sns:Publish'],
        resources: [alarmTopic.topicArn],
        conditions: alarmsOfThisAccount,
      }),
    );
    if (props.alarmEmail !== undefined) alarmTopic.addSubscription(new EmailSubscription(props.alarmEmail));

    const oneMinuteMax = { period: Duration.minutes(1), statistic: cloudwatch.Stats.MAXIMUM };
    const alarm = (id: string, description: string, metric: cloudwatch.Metric, threshold: number) => {
      const created = metric.createAlarm(this, id, {
        alarmDescription: description,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(new SnsAction(alarmTopic));
      created.addOkAction(new SnsAction(alarmTopic));
      return created;
    };
    const dlqAlarm = (id: string, queue: sqs.Queue, description: string) =>
      alarm(id, description, queue.metricApproximateNumberOfMessagesVisible(oneMinuteMax), 1);
    dlqAlarm(
      'IngestDlqNotEmpty',
      ingestDlq,
      `Ingest messages failed ${QUEUES.ingest.maxReceiveCount} times and wait in the dead-letter queue`,
    );
    dlqAlarm(
      'ReviewDlqNotEmpty',
      reviewDlq,
      'Review messages no reviewer can use (no valid body, no result) wait in the dead-letter queue',
    );
    alarm(
      'ModerateErrors',
      'The moderate function failed as a whole (crash, timeout or out of memory)',
      moderate.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
      1,
    );
    alarm(
      'ReviewBacklogAge',
      'The oldest review message has waited too long for a reviewer',
      reviewQueue.metricApproximateAgeOfOldestMessage({
        period: Duration.minutes(5),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      ALARMS.reviewMessageMaxAgeSeconds,
    );

    alarm(
      'IngestBacklogAge',
      'An upload has waited too long to be moderated: the function is failing, throttled or stopped',
      ingestQueue.metricApproximateAgeOfOldestMessage({
        period: Duration.minutes(5),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      ALARMS.ingestMessageMaxAgeSeconds,
    );
    alarm(
      'ModerateThrottles',
      'The moderate function was throttled: the account or region concurrency is exhausted',
      moderate.metricThrottles({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
      1,
    );
    alarm(
      'ModerateDurationNearTimeout',
      `A moderate invocation took over ${ALARMS.durationShareOfTimeout * 100}% of its timeout: re-measure the worst draft (README, Sizing)`,
      moderate.metricDuration({ period: Duration.minutes(5), statistic: cloudwatch.Stats.MAXIMUM }),
      ALARMS.durationShareOfTimeout * MODERATE_FUNCTION.timeoutSeconds * 1000,
    );

    // The reconciler: anything it had to send again means something upstream lost it; and a failing reconciler
    // catches nothing.
    const hourlySum = { period: Duration.hours(1), statistic: cloudwatch.Stats.SUM };
    const reconciled = (metricName: string) =>
      new cloudwatch.Metric({
        namespace: METRICS.namespace,
        metricName,
        dimensionsMap: { service: METRICS.reconcile.service, stage },
        ...hourlySum,
      });
    alarm(
      'ReconcilerReenqueuedReviews',
      'The reconciler put flagged drafts back on the review queue: their messages were lost (expired, dead-lettered and not redriven, deleted)',
      reconciled(METRICS.reconcile.reviews),
      1,
    );
    alarm(
      'ReconcilerResentUploads',
      'The reconciler sent upload events again for drafts without a result: their events were lost (expired, or dropped)',
      reconciled(METRICS.reconcile.drafts),
      1,
    );
    for (const fn of Object.values(reconcilers))
      alarm(
        `${fn.node.id}Errors`,
        `${fn.node.id} failed: nothing stranded is caught until a run succeeds`,
        fn.metricErrors(hourlySum),
        1,
      );

    const fiveMinuteSum = { period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM };
    alarm(
      'ReviewApiServerErrors',
      'The review and dashboard API answered 5xx: a function failed or timed out',
      api.metricServerError(fiveMinuteSum),
      5,
    );

    const pipelineMetric = (metricName: string, label: string) =>
      new cloudwatch.Metric({
        namespace: METRICS.namespace,
        metricName,
        dimensionsMap: { service: METRICS.service, stage },
        statistic: cloudwatch.Stats.SUM,
        period: Duration.minutes(5),
        label,
      });
    const processed = pipelineMetric(METRICS.names.processed, 'Processed');
    const flagged = pipelineMetric(METRICS.names.flagged, 'Flagged');
    const depth = (queue: sqs.Queue, label: string) =>
      queue.metricApproximateNumberOfMessagesVisible({ ...oneMinuteMax, label });
    new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: names.dashboard,
      widgets: [
        [
          new cloudwatch.GraphWidget({
            title: 'Drafts processed',
            left: [processed, flagged, pipelineMetric(METRICS.names.failed, 'Failed')],
            width: 8,
          }),
          new cloudwatch.GraphWidget({
            title: 'Flagged rate (%)',
            left: [
              new cloudwatch.MathExpression({
                expression: 'IF(processed > 0, 100 * flagged / processed, 0)',
                usingMetrics: { processed, flagged },
                label: 'Flagged / processed',
                period: Duration.minutes(5),
              }),
            ],
            leftYAxis: { min: 0, max: 100 },
            width: 8,
          }),
          new cloudwatch.GraphWidget({
            title: 'Queue depth',
            left: [
              depth(ingestQueue, 'Ingest'),
              depth(ingestDlq, 'Ingest DLQ'),
              depth(reviewQueue, 'Review'),
              depth(reviewDlq, 'Review DLQ'),
            ],
            width: 8,
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Moderate function',
            left: [moderate.metricErrors(), moderate.metricThrottles()],
            right: [moderate.metricDuration({ statistic: cloudwatch.Stats.p(99) })],
            width: 12,
          }),
          new cloudwatch.GraphWidget({
            title: 'Oldest review message (s)',
            left: [reviewQueue.metricApproximateAgeOfOldestMessage()],
            width: 12,
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'API requests and errors',
            left: [api.metricCount({ ...fiveMinuteSum, label: 'Requests' })],
            right: [
              api.metricClientError({ ...fiveMinuteSum, label: '4xx' }),
              api.metricServerError({ ...fiveMinuteSum, label: '5xx' }),
            ],
            width: 8,
          }),
          new cloudwatch.GraphWidget({
            title: 'API latency (ms)',
            left: [
              api.metricLatency({ statistic: cloudwatch.Stats.p(50), label: 'p50' }),
              api.metricLatency({ statistic: cloudwatch.Stats.p(99), label: 'p99' }),
            ],
            width: 8,
          }),
          new cloudwatch.GraphWidget({
            title: 'API function errors',
            left: (Object.entries(reviewFunctions) as Array<[RouteName, NodejsFunction]>).map(([route, fn]) =>
              fn.metricErrors({ ...fiveMinuteSum, label: route }),
            ),
            width: 8,
          }),
        ],
      ],
    });

    // --- Outputs ----------------------------------------------------------------------------------------------
    const output = (id: string, value: string, description: string) =>
      new CfnOutput(this, id, { value, description });
    output(
      'BucketName',
      bucket.bucketName,
      `Upload drafts to s3://<bucket>/${PREFIXES.drafts}<publisherId>/<name>`,
    );
    output('TableName', table.tableName, 'Moderation results, one item per draft version');
    output('IngestQueueUrl', ingestQueue.queueUrl, 'S3 event notifications for drafts/');
    output('IngestDlqUrl', ingestDlq.queueUrl, 'Ingest messages that kept failing');
    output('ReviewQueueUrl', reviewQueue.queueUrl, 'Flagged drafts awaiting review (FIFO)');
    output('ReviewDlqUrl', reviewDlq.queueUrl, 'Review messages that kept failing');
    output('AlarmTopicArn', alarmTopic.topicArn, 'Subscribe here for pipeline alarms');
    output('ReviewApiUrl', apiStage.url, 'The review API; every route needs a Cognito ID token');
    output('UserPoolId', userPool.userPoolId, 'Reviewers, viewers and publishers (administered, no sign-up)');
    output('UserPoolClientId', pageClient.userPoolClientId, "The review page's app client (code + PKCE)");
    output('ReviewPageUrl', web.url(WEB.pages.review), 'Reviewers decide on flagged drafts here');
    output('DashboardPageUrl', web.url(WEB.pages.dashboard), 'Moderation results and review progress');
    output('PublisherPageUrl', web.url(WEB.pages.publisher), 'Publishers upload drafts and follow them here');
    output('SignInUrl', signInDomain.baseUrl(), "The pages' Cognito sign-in (managed login)");
  }
}
