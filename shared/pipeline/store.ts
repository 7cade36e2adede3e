// The results table. Single-item conditional writes only (no transactions: dynalite, used locally, has none).
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ResultRecord, VERSION_SK_PREFIX } from './record.js';
import { TABLE } from './resources.js';

export interface RecordKey {
  pk: string;
  sk: string;
}

const tableKey = (key: RecordKey) => ({ [TABLE.partitionKey]: key.pk, [TABLE.sortKey]: key.sk });
const PK_NAME = { '#pk': TABLE.partitionKey };
const KEY_NAMES = { '#pk': TABLE.partitionKey, '#sk': TABLE.sortKey };

function isConditionalCheckFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

export class ResultsStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    readonly tableName: string,
  ) {}

  async get(key: RecordKey): Promise<ResultRecord | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: tableKey(key), ConsistentRead: true }),
    );
    return Item === undefined ? undefined : ResultRecord.parse(Item);
  }

  /** The draft's newest version item: the "latest result" access pattern (audit items are not versions). */
  async latest(pk: string): Promise<ResultRecord | undefined> {
    const { Items } = await this.db.send(new QueryCommand({ ...this.versionsNewestFirst(pk), Limit: 1 }));
    const [item] = Items ?? [];
    return item === undefined ? undefined : ResultRecord.parse(item);
  }

  /** Every version item of the draft, newest first: the "history" access pattern. */
  async history(pk: string): Promise<ResultRecord[]> {
    const records: ResultRecord[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          ...this.versionsNewestFirst(pk),
          ...(start !== undefined && { ExclusiveStartKey: start }),
        }),
      );
      for (const item of page.Items ?? []) records.push(ResultRecord.parse(item));
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    return records;
  }

  private versionsNewestFirst(pk: string) {
    return {
      TableName: this.tableName,
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :ver)',
      ExpressionAttributeNames: KEY_NAMES,
      ExpressionAttributeValues: { ':pk': pk, ':ver': VERSION_SK_PREFIX },
      ScanIndexForward: false,
      ConsistentRead: true,
    };
  }

  /** Writes a new version item; false when it already exists (a duplicate event), which is never overwritten. */
  async putNew(record: ResultRecord): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: record,
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: PK_NAME,
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailure(error)) return false;
      throw error;
    }
  }

  /**
   * Claims the resend of a lost review message: moves `reviewEnqueuedAt` from what the caller saw to `at`, while
   * the version still waits for review. False when another run (or a decision) got there first.
   */
  claimReviewResend(key: RecordKey, seen: string, at: string): Promise<boolean> {
    return this.setReviewEnqueuedAt(key, at, {
      ConditionExpression: '#status = :pending AND reviewEnqueuedAt = :seen',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':seen': seen, ':pending': 'pending_review' },
    });
  }

  /** Records that the review message went out; a concurrent delivery that got there first is fine. */
  async markReviewEnqueued(key: RecordKey, at: string): Promise<void> {
    await this.setReviewEnqueuedAt(key, at, {
      ConditionExpression: 'attribute_exists(#pk) AND attribute_not_exists(reviewEnqueuedAt)',
      ExpressionAttributeNames: PK_NAME,
      ExpressionAttributeValues: {},
    });
  }

  /** False when the condition does not hold. */
  private async setReviewEnqueuedAt(
    key: RecordKey,
    at: string,
    condition: {
      ConditionExpression: string;
      ExpressionAttributeNames: Record<string, string>;
      ExpressionAttributeValues: Record<string, string>;
    },
  ): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: tableKey(key),
          UpdateExpression: 'SET reviewEnqueuedAt = :at',
          ...condition,
          ExpressionAttributeValues: { ...condition.ExpressionAttributeValues, ':at': at },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailure(error)) return false;
      throw error;
    }
  }
}
