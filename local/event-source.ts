// Lambda's SQS event source mapping, for the local runner: long-polls the ingest queue, gathers a batch
// (up to batchSize messages or until the batching window closes), invokes the function, then deletes the
// messages that succeeded. Failed ones (batchItemFailures, or all of them when the invocation fails or
// times out) are left alone: they come back after the queue's visibility timeout, with a higher
// ApproximateReceiveCount. Redrive to the DLQ after maxReceiveCount is done by SQS (local-aws-sqs does it
// when the visibility timeout runs out), not here: the event source mapping has no redrive of its own.
import type { Message, SQSClient } from '@aws-sdk/client-sqs';
import { DeleteMessageBatchCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSMessageAttributes, SQSRecord } from 'aws-lambda';

export interface EventSourceOptions {
  sqs: SQSClient;
  queueUrl: string;
  queueArn: string;
  region: string;
  batchSize: number;
  maxBatchingWindowMs: number;
  /** Batches in flight at once (Lambda's maximum concurrency). */
  concurrency: number;
  invoke: (event: SQSEvent) => Promise<SQSBatchResponse>;
  onError?: (error: unknown) => void;
}

/** SQS allows at most this many messages per ReceiveMessage. */
const MAX_RECEIVE = 10;
/**
 * Lambda long-polls for 20 s. local-aws-sqs 2.0.2, with two long polls waiting on one queue, can hold
 * messages in the second until its wait ends (an upload then took 20 s to be picked up), so polls are short.
 */
const IDLE_WAIT_SECONDS = 1;

function toRecord(message: Message, queueArn: string, region: string): SQSRecord {
  const attributes = message.Attributes ?? {};
  const messageAttributes: SQSMessageAttributes = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    messageAttributes[name] = {
      dataType: value.DataType ?? 'String',
      ...(value.StringValue !== undefined && { stringValue: value.StringValue }),
      ...(value.BinaryValue !== undefined && {
        binaryValue: Buffer.from(value.BinaryValue).toString('base64'),
      }),
      stringListValues: value.StringListValues ?? [],
      binaryListValues: (value.BinaryListValues ?? []).map((bytes) => Buffer.from(bytes).toString('base64')),
    };
  }
  const now = String(Date.now());
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? now,
      SenderId: attributes.SenderId ?? 'LOCAL',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? now,
      ...(attributes.MessageGroupId !== undefined && { MessageGroupId: attributes.MessageGroupId }),
      ...(attributes.MessageDeduplicationId !== undefined && {
        MessageDeduplicationId: attributes.MessageDeduplicationId,
      }),
      ...(attributes.SequenceNumber !== undefined && { SequenceNumber: attributes.SequenceNumber }),
    },
    messageAttributes,
    md5OfBody: message.MD5OfBody ?? '',
    ...(message.MD5OfMessageAttributes !== undefined && {
      md5OfMessageAttributes: message.MD5OfMessageAttributes,
    }),
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: region,
  };
}

export class SqsEventSource {
  private readonly abort = new AbortController();
  private loops: Promise<void>[] = [];
  /** Invocations so far, and how many records failed: the runner and the tests read them. */
  readonly stats = { invocations: 0, records: 0, failedRecords: 0 };

  constructor(private readonly options: EventSourceOptions) {}

  start(): void {
    this.loops = Array.from({ length: this.options.concurrency }, () => this.loop());
  }

  /** Stops polling, lets the batches in flight finish (their results are stored and deleted), then returns. */
  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.all(this.loops);
  }

  private async receive(max: number, waitSeconds: number): Promise<Message[]> {
    const { Messages = [] } = await this.options.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.options.queueUrl,
        MaxNumberOfMessages: max,
        WaitTimeSeconds: waitSeconds,
        // local-aws-sqs reads the older AttributeNames; AWS accepts both.
        AttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
      { abortSignal: this.abort.signal },
    );
    return Messages;
  }

  private async gather(): Promise<Message[]> {
    const { batchSize, maxBatchingWindowMs } = this.options;
    const batch: Message[] = [];
    let closesAt: number | undefined;
    while (batch.length < batchSize && !this.abort.signal.aborted) {
      const left = closesAt === undefined ? IDLE_WAIT_SECONDS * 1000 : closesAt - Date.now();
      if (left <= 0 && closesAt !== undefined) break;
      const max = Math.min(MAX_RECEIVE, batchSize - batch.length);
      // Long poll until the first message; then only what the window has left (whole seconds, as SQS takes).
      const wait = closesAt === undefined ? IDLE_WAIT_SECONDS : Math.floor(left / 1000);
      // Stopping aborts the long poll; what was gathered so far is still processed.
      const messages = await this.receive(max, wait).catch((error: unknown) => {
        if (this.abort.signal.aborted) return [];
        throw error;
      });
      batch.push(...messages);
      if (batch.length > 0 && closesAt === undefined) closesAt = Date.now() + maxBatchingWindowMs;
      // A short poll came back empty inside the window: wait a little rather than spin.
      if (messages.length === 0 && wait === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return batch;
  }

  private async loop(): Promise<void> {
    const { sqs, queueUrl, queueArn, region, invoke, onError } = this.options;
    while (!this.abort.signal.aborted) {
      let batch: Message[];
      try {
        batch = await this.gather();
      } catch (error) {
        if (this.abort.signal.aborted) break;
        onError?.(error);
        await new Promise((resolve) => setTimeout(resolve, 500));
        continue;
      }
      if (batch.length === 0) continue;
      const event: SQSEvent = { Records: batch.map((message) => toRecord(message, queueArn, region)) };
      let failed: Set<string>;
      try {
        const response = await invoke(event);
        failed = new Set((response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
      } catch (error) {
        onError?.(error);
        failed = new Set(event.Records.map((record) => record.messageId));
      }
      this.stats.invocations++;
      this.stats.records += batch.length;
      this.stats.failedRecords += failed.size;
      const done = batch.filter((message) => !failed.has(message.MessageId ?? ''));
      for (let i = 0; i < done.length; i += MAX_RECEIVE) {
        const entries = done.slice(i, i + MAX_RECEIVE).map((message, index) => ({
          Id: String(index),
          ReceiptHandle: message.ReceiptHandle,
        }));
        await sqs
          .send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }))
          .catch(onError);
      }
    }
  }
}
