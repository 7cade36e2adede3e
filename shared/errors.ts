import type { DraftErrorCode } from './contract.js';

/** A draft that cannot be moderated: a permanent, input-side failure with a specific code. */
export class DraftError extends Error {
  constructor(
    readonly code: DraftErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DraftError';
  }
}
