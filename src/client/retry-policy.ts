// How hard the client tries a request that failed in a way that is safe to retry: the defaults,
// apart from transport.ts so that the provider's schema can quote them without loading undici.

export const RETRY_DEFAULTS = {
  /** Attempts of one request, the first included. */
  attempts: 15,
  /** Longest wait between two attempts. */
  maxRetryDelayMs: 5_000,
  /** Most time one request spends waiting between its attempts. */
  retryBudgetMs: 60_000,
} as const;
