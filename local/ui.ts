// Terminal output of the local runner: a progress bar on a TTY (plain lines otherwise) and the summary table.
import { isFlagged } from '../shared/contract.js';
import type { ResultRecord } from '../shared/pipeline/record.js';
import type { LocalTarget } from './emulators.js';
import type { LocalNames, QueueUrls } from './resources.js';

export class Progress {
  private done = 0;
  constructor(
    private readonly total: number,
    private readonly out: NodeJS.WriteStream,
  ) {}

  step(label: string): void {
    this.done++;
    if (this.out.isTTY) {
      const width = 30;
      const filled = Math.round((this.done / this.total) * width);
      this.out.write(
        `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${this.done}/${this.total} ${label}`.padEnd(
          90,
        ),
      );
      if (this.done === this.total) this.out.write('\n');
    } else this.out.write(`${this.done}/${this.total} ${label}\n`);
  }
}

export interface SummaryRow {
  draft: string;
  record: ResultRecord;
}

function flaggedClaims(record: ResultRecord): number {
  const claims = record.result?.claims;
  return claims === undefined ? (record.topClaims?.length ?? 0) : claims.filter(isFlagged).length;
}

function missingDisclaimers(record: ResultRecord): string {
  const missing = (record.result?.disclaimers ?? []).filter((d) => d.required && d.status !== 'present');
  return missing.map((d) => `${d.id} (${d.status})`).join(', ') || '-';
}

export function summaryTable(rows: readonly SummaryRow[]): string {
  const header = ['draft', 'verdict', 'risk', 'flagged claims', 'missing disclaimers'];
  const body = rows.map(({ draft, record }) => [
    draft,
    record.status === 'failed' ? `failed: ${record.failure?.code ?? '?'}` : (record.verdict ?? record.status),
    String(record.riskScore ?? '-'),
    String(flaggedClaims(record)),
    missingDisclaimers(record),
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...body.map((row) => row[i]?.length ?? 0)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...body.map(line)].join('\n');
}

/** Endpoints and ready-to-paste settings for the AWS CLI and SDKs. */
export function connectionHelp(target: LocalTarget, names: LocalNames, queues: QueueUrls): string {
  return `Local AWS endpoints (Ctrl-C stops everything):
  S3        ${target.endpoints.s3}   bucket ${names.bucket}
  DynamoDB  ${target.endpoints.dynamodb}   table ${names.table}
  SQS       ${target.endpoints.sqs}
            ingest ${queues.ingest}
            review ${queues.review}

Paste into a shell to use the AWS CLI or an SDK against them:
  export AWS_ACCESS_KEY_ID=${target.credentials.accessKeyId} AWS_SECRET_ACCESS_KEY=${target.credentials.secretAccessKey} AWS_REGION=${target.region}
  export AWS_ENDPOINT_URL_S3=${target.endpoints.s3} AWS_ENDPOINT_URL_DYNAMODB=${target.endpoints.dynamodb} AWS_ENDPOINT_URL_SQS=${target.endpoints.sqs}
  aws s3 cp article.md "s3://${names.bucket}/drafts/acme/article.md"
  aws dynamodb query --table-name ${names.table} --key-condition-expression 'pk = :pk' \\
    --expression-attribute-values '{":pk":{"S":"DOC#acme#article.md"}}' --no-scan-index-forward --limit 1
  aws sqs receive-message --queue-url ${queues.review}

Or: npx claimscan local --watch DIR   (uploads every draft dropped in DIR to this stack)`;
}
