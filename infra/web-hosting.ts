// The web pages on AWS (issue 5): a private bucket behind CloudFront with origin access control, plus /config.json.
import { DefaultStackSynthesizer, Duration, Stack, Validations } from 'aws-cdk-lib';
import type { RemovalPolicy } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PAGE_CONFIG_PATH, WEB_DIST_DIR } from '../shared/review/page-config.js';
import type { PageConfig } from '../shared/review/page-config.js';
import { PROJECT_ROOT } from './bundling.js';

export interface WebHostingProps {
  /** The stack's settings for every bucket: private, encrypted, TLS only, removal policy. */
  bucketProps: s3.BucketProps & { removalPolicy: RemovalPolicy };
  accessLogs: s3.IBucket;
  /** What the pages may call besides their own origin (the CSP's connect-src). */
  connectSources: string[];
  /** Dev: the deployment deletes the pages with the stack, so the bucket is empty and can go too. */
  retainPages: boolean;
  /** Of the deployment function's logs. */
  logRetention: logs.RetentionDays;
}

export class WebHosting extends Construct {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  /** `https://<distribution domain>`, for CORS. */
  readonly origin: string;
  private readonly props: WebHostingProps;

  constructor(scope: Construct, id: string, props: WebHostingProps) {
    super(scope, id);
    this.props = props;
    this.bucket = new s3.Bucket(this, 'Pages', {
      ...props.bucketProps,
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: 'pages-bucket/',
    });
    const headers = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: `${Stack.of(this).stackName} pages: CSP and other security headers`,
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: [
            "default-src 'self'",
            `connect-src 'self' ${props.connectSources.join(' ')}`,
            "script-src 'self'",
            "style-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
          ].join('; '),
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        // Sign-in returns with the authorization code in the URL: never send it elsewhere.
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(365 * 2),
          includeSubdomains: true,
          override: true,
        },
      },
    });
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `${Stack.of(this).stackName} pages`,
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
      },
      defaultRootObject: 'index.html',
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
    });
    const distributionFindings: Array<[string, string]> = [
      [
        'AwsSolutions-CFR1',
        'Reviewers and publishers may work from anywhere; every data call is authorized by the API, not by location.',
      ],
      [
        'AwsSolutions-CFR2',
        'Static files only, behind a CDN; the API they call is throttled and needs a Cognito token per request.',
      ],
      [
        'AwsSolutions-CFR3',
        "Static files only: the API's access logs record every data request, and the bucket's server access logs record CloudFront's fetches.",
      ],
      [
        'AwsSolutions-CFR4',
        'No custom domain: the default *.cloudfront.net certificate fixes the policy; current browsers negotiate TLS 1.2 or 1.3.',
      ],
    ];
    for (const [id, reason] of distributionFindings) {
      Validations.of(this.distribution).acknowledge({ id, reason });
    }
    this.origin = `https://${this.distribution.distributionDomainName}`;
  }

  url(page: string): string {
    return `${this.origin}/${page}`;
  }

  /** Uploads the built pages and their config.json, then invalidates CloudFront's copies. */
  deploy(config: PageConfig): void {
    const dist = join(PROJECT_ROOT, WEB_DIST_DIR);
    if (!existsSync(dist)) throw new Error(`${WEB_DIST_DIR} is missing: build the pages (vite build) first`);
    // The pages and config.json keep their names, so browsers revalidate every file on every load.
    new BucketDeployment(this, 'Deploy', {
      sources: [Source.asset(dist), Source.jsonData(PAGE_CONFIG_PATH.replace(/^\//, ''), config)],
      destinationBucket: this.bucket,
      retainOnDelete: this.props.retainPages,
      cacheControl: [CacheControl.noCache()],
      distribution: this.distribution,
      distributionPaths: ['/*'],
      logGroup: new logs.LogGroup(this, 'DeployLogs', {
        logGroupName: `/${Stack.of(this).stackName}/pages-deployment`,
        retention: this.props.logRetention,
        removalPolicy: this.props.bucketProps.removalPolicy,
      }),
    });
    this.acknowledgeDeploymentHandler();
  }

  /** CDK's singleton function behind every BucketDeployment: its role and runtime are defined by CDK. */
  private acknowledgeDeploymentHandler(): void {
    const stack = Stack.of(this);
    const handler = stack.node.children.find((child) =>
      child.node.id.startsWith('Custom::CDKBucketDeployment'),
    );
    if (handler === undefined) return;
    const pagesBucket = stack.getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket);
    const assetsBucket = `arn:<AWS::Partition>:s3:::cdk-${DefaultStackSynthesizer.DEFAULT_QUALIFIER}-assets-<AWS::AccountId>-<AWS::Region>`;
    const grants = 'CDK grants the deployment read on its assets bucket and read/write on the pages bucket';
    const handlerFindings: Array<[string, string]> = [
      [
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        'CDK-managed BucketDeployment handler: CDK attaches the basic execution policy so it can write its logs.',
      ],
      ...['s3:GetBucket*', 's3:GetObject*', 's3:List*', 's3:Abort*', 's3:DeleteObject*'].map(
        (action): [string, string] => [
          `AwsSolutions-IAM5[Action::${action}]`,
          `${grants} (${action}), to sync the pages and delete stale ones.`,
        ],
      ),
      [
        `AwsSolutions-IAM5[Resource::${assetsBucket}/*]`,
        "Reads the pages' zip from CDK's assets bucket; its object key is a content hash known at deploy time.",
      ],
      [
        `AwsSolutions-IAM5[Resource::<${pagesBucket}.Arn>/*]`,
        'Syncs every page of the pages bucket, which holds nothing else.',
      ],
      [
        'AwsSolutions-IAM5[Resource::*]',
        'CloudFront invalidations (CreateInvalidation, GetInvalidation) take no resource narrower than *.',
      ],
      [
        'AwsSolutions-L1',
        "CDK-managed BucketDeployment handler: CDK picks its Python runtime (it runs the AWS CLI's s3 sync).",
      ],
    ];
    for (const [id, reason] of handlerFindings) Validations.of(handler).acknowledge({ id, reason });
  }
}
