// The help text of `claimscan upload`, shown by `claimscan help upload` and `claimscan upload --help`.
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
