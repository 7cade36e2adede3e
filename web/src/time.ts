// Times as the pages show them. Pure.

/** m:ss until `expiresAt`, or undefined once it has passed. */
export function remaining(expiresAt: string, now: number): string | undefined {
  const seconds = Math.floor((Date.parse(expiresAt) - now) / 1000);
  if (!(seconds > 0)) return undefined;
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}
