// The retry settings of the provider block (retry { max_attempts, max_backoff, total_backoff }),
// checked the same way at synth (the OperationsCenter construct) and at plan (the provider).

/** Bounds: wide enough for any real need, narrow enough to catch a slip (milliseconds given as seconds). */
export const RETRY_LIMITS = { max_attempts: 100, max_backoff: 300, total_backoff: 3600 } as const;

type RetrySetting = keyof typeof RETRY_LIMITS;
export type RetrySettings = { readonly [K in RetrySetting]?: number };

/** One problem per bad setting, "must be …, got …", in the order max_attempts, max_backoff, total_backoff. */
export function retrySettingProblems(settings: RetrySettings): Array<{ setting: RetrySetting; problem: string }> {
  const rules: Array<[RetrySetting, (value: number) => boolean, string]> = [
    ["max_attempts", (v) => Number.isInteger(v) && v >= 1 && v <= RETRY_LIMITS.max_attempts, `a whole number from 1 to ${RETRY_LIMITS.max_attempts}`],
    ["max_backoff", (v) => v > 0 && v <= RETRY_LIMITS.max_backoff, `a number of seconds above 0 and at most ${RETRY_LIMITS.max_backoff}`],
    ["total_backoff", (v) => v >= 0 && v <= RETRY_LIMITS.total_backoff, `a number of seconds from 0 to ${RETRY_LIMITS.total_backoff}`],
  ];
  return rules.flatMap(([setting, ok, expected]) => {
    const value = settings[setting];
    return value === undefined || ok(value) ? [] : [{ setting, problem: `must be ${expected}, got ${value}` }];
  });
}
