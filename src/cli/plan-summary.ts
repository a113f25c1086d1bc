// `oc-cdktf plan-summary`: a Terraform plan in the words of Operations Center, for pull-request
// review. Exit codes: 0 summary written, 1 the plan failed or cannot be read, 2 usage,
// 3 --fail-on destructive and the plan has a destructive operation.
import { readFileSync } from "node:fs";
import { parsePlanText, type PlanInput } from "../review/plan-schema.js";
import { countsOf, DEFAULT_MAX_CHARS, mergeInputs, renderSummary, summarize } from "../review/plan-summary.js";
import { type Command, failure, parseCommand, usageError } from "./command.js";
import { reportOptions } from "./report-options.js";

const USAGE = `usage: oc-cdktf plan-summary [PLAN_JSON|-]... [options]

  PLAN_JSON                   terraform show -json <planfile> output ("-" or none: stdin); a
                              terraform plan -json log may be given too, for its diagnostics
  --format markdown|text|json default markdown (GitHub-ready)
  --fail-on destructive       exit 3 when the plan has a destructive operation
  --max-chars N               keep the output under N characters (default ${DEFAULT_MAX_CHARS})

  terraform plan -out plan.bin && terraform show -json plan.bin | oc-cdktf plan-summary -

Exit codes: 0 written, 1 the plan failed or cannot be read, 2 usage, 3 destructive (--fail-on).
`;

export const EXIT = { ok: 0, failed: 1, usage: 2, destructive: 3 } as const;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}

const command: Command = { name: "plan-summary", usage: USAGE, usageExit: EXIT.usage };

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(command, argv, {
    allowPositionals: true,
    options: { format: { type: "string", default: "markdown" }, "fail-on": { type: "string" }, "max-chars": { type: "string" } },
  });
  if (typeof parsed === "number") return parsed;
  const { values, positionals } = parsed;
  const options = reportOptions(values);
  if ("problem" in options) return usageError(command, options.problem);
  const { format, maxChars } = options;
  if (values["fail-on"] !== undefined && values["fail-on"] !== "destructive")
    return usageError(command, `--fail-on takes "destructive", got "${values["fail-on"]}"`);
  const sources = positionals.length === 0 ? ["-"] : positionals;
  if (sources.filter((s) => s === "-").length > 1) return usageError(command, 'give "-" (stdin) once');

  const inputs: PlanInput[] = [];
  for (const source of sources) {
    const name = source === "-" ? "stdin" : source;
    try {
      const text = source === "-" ? await readStdin() : readFileSync(source, "utf8");
      inputs.push(parsePlanText(text, name));
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? `${name} does not exist` : error instanceof Error ? error.message : String(error);
      return failure(command, reason, EXIT.failed);
    }
  }
  let input: PlanInput;
  try {
    input = mergeInputs(inputs);
  } catch (error) {
    return usageError(command, error instanceof Error ? error.message : String(error));
  }
  const summary = summarize(input);
  process.stdout.write(renderSummary(summary, { format, maxChars }));
  if (summary.failed) return EXIT.failed;
  if (values["fail-on"] === "destructive" && countsOf(summary).destructive > 0) {
    return failure(command, `${countsOf(summary).destructive} destructive operations: a second approval is required (--fail-on destructive)`, EXIT.destructive);
  }
  return EXIT.ok;
}
