// `oc-cdktf drift [STACK_DIR]`: what changed outside Terraform in every stack under the
// directory, and the clusters of Operations Center no stack manages. Exit codes: 0 in sync,
// 1 a stack could not be examined, 2 drift found.
import { driftReport } from "../review/drift.js";
import { hasDrift, hasErrors, renderDrift } from "../review/summary/drift.js";
import { DEFAULT_MAX_CHARS } from "../review/plan-summary.js";
import { type Command, parseCommand, usageError } from "./command.js";
import { reportOptions } from "./report-options.js";

const USAGE = `usage: oc-cdktf drift [STACK_DIR] [options]

  STACK_DIR                   a stack directory (cdktf.out/stacks/<stack>), or a directory
                              above stacks: every stack below it is examined (default: .)
  --format markdown|text|json default text
  --max-chars N               keep the output under N characters (default ${DEFAULT_MAX_CHARS})

Runs terraform plan -refresh-only in each stack (terraform init first where needed) and reads
Operations Center with the provider's connection settings, and the Incus API of each cluster
whose settings a stack manages with that resource's connection (for Incus keys set by hand).
Exit codes: 0 in sync, 1 a stack could not be examined, 2 drift found.
`;

const EXIT = { inSync: 0, failed: 1, drift: 2 } as const;

const command: Command = { name: "drift", usage: USAGE, usageExit: EXIT.failed };

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(command, argv, {
    allowPositionals: true,
    options: { format: { type: "string", default: "text" }, "max-chars": { type: "string" } },
  });
  if (typeof parsed === "number") return parsed;
  const { values, positionals } = parsed;
  const options = reportOptions(values);
  if ("problem" in options) return usageError(command, options.problem);
  const { format, maxChars } = options;
  if (positionals.length > 1) return usageError(command, "give one directory");
  const report = await driftReport(positionals[0] ?? ".");
  process.stdout.write(renderDrift(report, format, maxChars));
  if (hasDrift(report)) return EXIT.drift;
  return hasErrors(report) ? EXIT.failed : EXIT.inSync;
}
