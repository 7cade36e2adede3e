// Administering the queues: their ARNs and URLs, and moving dead-lettered messages back (`claimscan admin
// redrive`) with SQS's message move task, on AWS and on the local emulator alike, followed until it ends.
import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListMessageMoveTasksCommand,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import type { SQSClient } from '@aws-sdk/client-sqs';

export interface RedriveOutcome {
  status: string;
  moved: number;
  /** What SQS counted to move when the task started. */
  toMove: number;
  failureReason?: string;
}

export async function queueArn(sqs: SQSClient, queueUrl: string): Promise<string> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  const arn = Attributes?.QueueArn;
  if (arn === undefined) throw new Error(`no QueueArn for ${queueUrl}`);
  return arn;
}

export async function queueUrl(sqs: SQSClient, queueName: string): Promise<string> {
  const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: queueName }));
  if (QueueUrl === undefined) throw new Error(`no queue named ${queueName}`);
  return QueueUrl;
}

/**
 * Starts a move task from the DLQ back to its queue (naming the destination, so that messages put in the DLQ by
 * hand go back too) and polls it until it is no longer running.
 */
export async function redrive(
  sqs: SQSClient,
  queues: { deadLetterUrl: string; queueUrl: string },
  options: { pollMs?: number; onProgress?: (moved: number, toMove: number) => void } = {},
): Promise<RedriveOutcome> {
  const [source, destination] = await Promise.all([
    queueArn(sqs, queues.deadLetterUrl),
    queueArn(sqs, queues.queueUrl),
  ]);
  await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: source, DestinationArn: destination }));
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 1000));
    const { Results = [] } = await sqs.send(
      new ListMessageMoveTasksCommand({ SourceArn: source, MaxResults: 1 }),
    );
    const [task] = Results;
    if (task === undefined) throw new Error(`the move task from ${source} disappeared`);
    const moved = task.ApproximateNumberOfMessagesMoved ?? 0;
    const toMove = task.ApproximateNumberOfMessagesToMove ?? moved;
    options.onProgress?.(moved, toMove);
    if (task.Status !== 'RUNNING' && task.Status !== 'CANCELLING')
      return {
        status: task.Status ?? 'UNKNOWN',
        moved,
        toMove,
        ...(task.FailureReason !== undefined && { failureReason: task.FailureReason }),
      };
  }
}
