// The SDK clients' wiring: Lambda's defaults, and the local mode's explicit endpoints and credentials.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAwsClients, ReconcileConfig, SDK_CLIENT_DEFAULTS } from '../../../shared/pipeline/config.js';
import { ENV } from '../../../shared/pipeline/resources.js';

const KEYS = { accessKeyId: 'local-key', secretAccessKey: 'local-secret' };

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('createAwsClients', () => {
  it('by default takes the region from the environment and addresses S3 as AWS does', async () => {
    vi.stubEnv('AWS_REGION', 'eu-west-1');
    const { s3, db, sqs } = createAwsClients();
    for (const client of [s3, db, sqs]) {
      expect(await client.config.region()).toBe('eu-west-1');
      expect(client.config.endpoint).toBeUndefined();
      expect(await client.config.maxAttempts()).toBe(SDK_CLIENT_DEFAULTS.maxAttempts);
    }
    expect(s3.config.forcePathStyle).toBe(false);
  });

  it('uses the endpoints, region and credentials it is given, with S3 path-style', async () => {
    const endpoints = {
      s3: 'http://127.0.0.1:4568',
      dynamodb: 'http://127.0.0.1:4567',
      sqs: 'http://127.0.0.1:4566',
    };
    const { s3, db, sqs } = createAwsClients({ region: 'us-west-2', endpoints, credentials: KEYS });
    for (const [client, url] of [
      [s3, endpoints.s3],
      [db, endpoints.dynamodb],
      [sqs, endpoints.sqs],
    ] as const) {
      expect(await client.config.region()).toBe('us-west-2');
      expect(await client.config.credentials()).toMatchObject(KEYS);
      const endpoint = await client.config.endpoint?.();
      expect(`${endpoint?.protocol}//${endpoint?.hostname}:${endpoint?.port}`).toBe(url);
    }
    expect(s3.config.forcePathStyle).toBe(true);
  });
});

describe('ReconcileConfig', () => {
  const env = {
    [ENV.stage]: 'prod',
    [ENV.tableName]: 'claimscan-prod-results',
    [ENV.reviewQueueUrl]: 'https://sqs.eu-west-1.amazonaws.com/111122223333/claimscan-prod-review.fifo',
    [ENV.ingestQueueUrl]: 'https://sqs.eu-west-1.amazonaws.com/111122223333/claimscan-prod-ingest',
    [ENV.bucketName]: 'drafts-bucket',
    [ENV.bucketVersioned]: 'true',
    AWS_REGION: 'eu-west-1',
  };

  it('reads what the stack sets on both reconcilers', () => {
    expect(ReconcileConfig.parse(env)).toEqual({
      stage: 'prod',
      tableName: 'claimscan-prod-results',
      reviewQueueUrl: env[ENV.reviewQueueUrl],
      ingestQueueUrl: env[ENV.ingestQueueUrl],
      bucket: 'drafts-bucket',
      bucketVersioned: true,
      region: 'eu-west-1',
    });
  });

  it('refuses a missing queue or a versioning flag that is not true or false', () => {
    expect(ReconcileConfig.safeParse({ ...env, [ENV.ingestQueueUrl]: undefined }).success).toBe(false);
    expect(ReconcileConfig.safeParse({ ...env, [ENV.bucketVersioned]: 'yes' }).success).toBe(false);
  });
});
