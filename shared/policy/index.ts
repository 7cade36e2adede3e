import defaultPolicyJson from './default-policy.json' with { type: 'json' };
import { Policy } from './schema.js';

export { Policy } from './schema.js';
export type { DisclaimerDefinition, DisclaimerRequirement } from './schema.js';

export class PolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PolicyError';
  }
}

/** Validates a parsed policy file; the error names every field that is wrong. */
export function parsePolicy(data: unknown, origin = 'policy'): Policy {
  const parsed = Policy.safeParse(data);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 10)
      .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
      .join('; ');
    throw new PolicyError(`${origin} is not a valid claimscan policy: ${issues}`);
  }
  return parsed.data;
}

export const defaultPolicy: Policy = parsePolicy(defaultPolicyJson, 'default policy');
