// The bucket's notification to the ingest queue, with a queue policy bound to this account.
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/**
 * CDK's SqsDestination, except that the queue policy lets S3 send for this bucket *in this account* only:
 * `aws:SourceAccount` as well as `aws:SourceArn`, since a deleted bucket's name can be taken by another account.
 */
export class AccountBoundQueueDestination implements s3.IBucketNotificationDestination {
  constructor(private readonly queue: sqs.IQueue) {}

  bind(_scope: Construct, bucket: s3.IBucket): s3.BucketNotificationDestinationConfig {
    // A customer-managed key would need its own grant to S3; these queues use SQS-managed encryption.
    if (this.queue.encryptionMasterKey !== undefined)
      throw new Error('AccountBoundQueueDestination supports SQS-managed encryption only');
    this.queue.grantSendMessages(
      new iam.ServicePrincipal('s3.amazonaws.com', {
        conditions: {
          ArnLike: { 'aws:SourceArn': bucket.bucketArn },
          StringEquals: { 'aws:SourceAccount': Stack.of(bucket).account },
        },
      }),
    );
    return {
      arn: this.queue.queueArn,
      type: s3.BucketNotificationDestinationType.QUEUE,
      // S3 checks that it may send when the configuration is put: the queue policy must exist first.
      dependencies: [this.queue],
    };
  }
}
