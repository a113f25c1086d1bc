// The provider block's max_parallel_reads (the OperationsCenter construct's maxParallelReads):
// how many members one resource reads at once. Checked by the construct at synth and by the
// provider at validate, with the same rule.

/** Enough for the members of a typical cluster (3 to 5) at once. */
export const DEFAULT_MAX_PARALLEL_READS = 4;
/** Terraform runs up to -parallelism resources at once, each with this many reads: past this, an edge site sees a burst, not a speed-up. */
export const MAX_PARALLEL_READS_LIMIT = 64;
/** Terraform's default -parallelism: how many resources it plans or applies at once. */
export const TERRAFORM_PARALLELISM = 10;

/**
 * The provider process's limit on requests in flight: as many as Terraform's default parallelism
 * of resources, each reading this many members, can have, so the provider block's bound is the
 * one that counts (the client's own default, 8, would cap a plan below Terraform's parallelism).
 */
export function requestsInFlight(maxParallelReads: number): number {
  return TERRAFORM_PARALLELISM * maxParallelReads;
}

/** What is wrong with `value` as max_parallel_reads, or undefined. */
export function maxParallelReadsProblem(value: number): string | undefined {
  if (Number.isInteger(value) && value >= 1 && value <= MAX_PARALLEL_READS_LIMIT) return undefined;
  return `must be a whole number from 1 to ${MAX_PARALLEL_READS_LIMIT}, got ${String(value)}`;
}
