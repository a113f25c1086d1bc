// The output options `plan-summary` and `drift` share: --format and --max-chars.
import { DEFAULT_MAX_CHARS } from "../review/plan-summary.js";
import { formats, type SummaryFormat } from "../review/summary/model.js";

/** Below this not even the headline and the left-out note fit. */
const MIN_CHARS = 1000;

/** The parsed options, or the usage message that says what is wrong with them. */
export function reportOptions(values: {
  format?: string | undefined;
  "max-chars"?: string | undefined;
}): { format: SummaryFormat; maxChars: number } | { problem: string } {
  const format = values.format as SummaryFormat;
  if (!formats.includes(format)) return { problem: `--format must be one of ${formats.join(", ")}, got "${values.format}"` };
  const maxChars = values["max-chars"] === undefined ? DEFAULT_MAX_CHARS : Number(values["max-chars"]);
  if (!Number.isInteger(maxChars) || maxChars < MIN_CHARS)
    return { problem: `--max-chars must be a whole number of at least ${MIN_CHARS}, got "${values["max-chars"]}"` };
  return { format, maxChars };
}
