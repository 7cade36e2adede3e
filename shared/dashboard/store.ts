// The dashboard's counter items in the results table: one per UTC day and scope (everyone, and each publisher),
// updated with ADD when a result or a decision is recorded, read back one Query per scope and window.
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ResultRecord } from '../pipeline/record.js';
import { MODERATE_FUNCTION, TABLE } from '../pipeline/resources.js';
import type { RecordKey } from '../pipeline/store.js';
import type { Counters } from './counters.js';
import { decisionCounters, resultCounters, utcDay } from './counters.js';

export const STATS_ALL_PK = 'STATS#ALL';
export const statsPk = (publisherId?: string) =>
  publisherId === undefined ? STATS_ALL_PK : `STATS#PUB#${publisherId}`;
export const statsSk = (day: string) => `DAY#${day}`;

const KEY_NAMES = { '#pk': TABLE.partitionKey, '#sk': TABLE.sortKey };
const isConditionFailure = (error: unknown) =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

/** A claim to count a result lasts as long as the function may run; a crashed claimant's then expires. */
export const countingClaimUntil = (now: Date) =>
  new Date(now.getTime() + MODERATE_FUNCTION.timeoutSeconds * 1000).toISOString();

export class StatsCounters {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    readonly tableName: string,
  ) {}

  /**
   * Adds the result's counters unless the record says they were added, then says so on the record. A claim
   * first keeps a concurrent delivery (S3 may notify twice) from adding them too. Not atomic (no transactions
   * locally): a failure between the counter updates and the marker counts the draft again on redelivery.
   */
  async countResult(record: ResultRecord, now: Date, claimed = false): Promise<boolean> {
    if (record.countedAt !== undefined) return false;
    if (!claimed && !(await this.claim(record, now))) return false;
    await this.add(record.publisherId, utcDay(record.processedAt), resultCounters(record));
    await this.mark(record, 'SET countedAt = :at REMOVE countingUntil', 'countedAt', now);
    return true;
  }

  /**
   * The same for a decided record's decision, on the day of its `decidedAt`. No claim: the decision and the
   * `next` that repairs a missed count both hold the review message, which SQS gives to one caller at a time.
   */
  async countDecision(record: ResultRecord, now: Date): Promise<boolean> {
    const counters = decisionCounters(record);
    if (counters === undefined || record.decisionCountedAt !== undefined || record.decidedAt === undefined)
      return false;
    await this.add(record.publisherId, utcDay(record.decidedAt), counters);
    await this.mark(record, 'SET decisionCountedAt = :at', 'decisionCountedAt', now);
    return true;
  }

  /** False when the result is counted or another delivery's claim is live. */
  private async claim(key: RecordKey, now: Date): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [TABLE.partitionKey]: key.pk, [TABLE.sortKey]: key.sk },
          UpdateExpression: 'SET countingUntil = :until',
          ConditionExpression:
            'attribute_exists(#pk) AND attribute_not_exists(countedAt) AND (attribute_not_exists(countingUntil) OR countingUntil < :now)',
          ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
          ExpressionAttributeValues: { ':until': countingClaimUntil(now), ':now': now.toISOString() },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** One UpdateItem per scope: the day's item of everyone and of the publisher. */
  private async add(publisherId: string, day: string, counters: Counters): Promise<void> {
    const names: Record<string, string> = {};
    const values: Record<string, number> = {};
    const adds = Object.entries(counters).map(([name, count], i) => {
      names[`#c${i}`] = name;
      values[`:c${i}`] = count;
      return `#c${i} :c${i}`;
    });
    await Promise.all(
      [statsPk(), statsPk(publisherId)].map((pk) =>
        this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { [TABLE.partitionKey]: pk, [TABLE.sortKey]: statsSk(day) },
            UpdateExpression: `ADD ${adds.join(', ')}`,
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          }),
        ),
      ),
    );
  }

  /** A concurrent caller that marked it first is fine: its counters are the same ones. */
  private async mark(key: RecordKey, update: string, marker: string, now: Date): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [TABLE.partitionKey]: key.pk, [TABLE.sortKey]: key.sk },
          UpdateExpression: update,
          ConditionExpression: `attribute_exists(#pk) AND attribute_not_exists(${marker})`,
          ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
          ExpressionAttributeValues: { ':at': now.toISOString() },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  /** The scope's day items from `from` to `to` (inclusive): one item per day that has any, by day. */
  async days(publisherId: string | undefined, from: string, to: string): Promise<Map<string, Counters>> {
    const days = new Map<string, Counters>();
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
          ExpressionAttributeNames: KEY_NAMES,
          ExpressionAttributeValues: {
            ':pk': statsPk(publisherId),
            ':from': statsSk(from),
            ':to': statsSk(to),
          },
          ...(start !== undefined && { ExclusiveStartKey: start }),
        }),
      );
      for (const item of page.Items ?? []) {
        const counters: Counters = {};
        for (const [name, value] of Object.entries(item))
          if (name !== TABLE.partitionKey && name !== TABLE.sortKey) counters[name] = Number(value);
        days.set(String(item[TABLE.sortKey]).slice(statsSk('').length), counters);
      }
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    return days;
  }
}
