// The help texts of `claimscan upload` and `claimscan admin`, shown by `claimscan help <command>` and
// `claimscan <command> --help`.
import { DEFAULT_DATA_DIR } from '../local/state.js';
import { APP_NAME } from '../shared/pipeline/resources.js';

export const UPLOAD_USAGE = `Usage: claimscan upload <file> --publisher ID [--api URL] [--token TOKEN] [--timeout S] [--json] [--no-color]

Uploads a draft through the claimscan API (local mode or a deployed stack), waits for its result and prints
the report, as \`claimscan check\` does. The file is checked first, as \`check\` checks it (format, size,
empty, binary, not UTF-8): a file \`check\` refuses is refused with the same error, and nothing is sent.
  --publisher ID   the publisher the token belongs to (the API refuses any other)
  --api URL        the API (default: $CLAIMSCAN_API_URL)
  --token TOKEN    a publisher's bearer token (default: $CLAIMSCAN_TOKEN)
  --timeout S      seconds to wait for the result (default 120)
  --json           print the result as JSON (one line) and nothing else on stdout
  --no-color       plain output even on a terminal

Exit codes: 0 the draft passes, 1 it needs review, 2 a usage, upload or moderation error.`;

export const ADMIN_USAGE = `Usage: claimscan admin redrive --queue ingest|review [--data-dir ${DEFAULT_DATA_DIR}]
       claimscan admin redrive --queue ingest|review --stage dev|prod [--app ${APP_NAME}]

Moves the messages of the queue's dead-letter queue back to it (SQS's message move task) and waits until they
are moved. Without --stage it acts on the local stack \`npm start\` runs; with --stage, on that deployed stage,
with the AWS credentials and region of this shell (sqs:StartMessageMoveTask, sqs:ListMessageMoveTasks,
sqs:GetQueueUrl, sqs:GetQueueAttributes, and what the move itself needs on both queues).

Exit codes: 0 moved (or nothing to move), 1 the move failed, 2 a usage error.`;
