// examples/github-actions/operations-center-plan.yml as the workflow tests read it: its parsed
// shape, its steps, and a step's environment with the `${{ }}` expressions GitHub would fill in.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import yaml from "js-yaml";
import { z } from "zod";
import { runPipeline, type CliResult } from "./review-scenario.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
export const WORKFLOW = path.join(ROOT, "examples/github-actions/operations-center-plan.yml");

const envSchema = z.record(z.string(), z.union([z.string(), z.number()]).transform(String));

const stepSchema = z.object({
  name: z.string().optional(),
  id: z.string().optional(),
  uses: z.string().optional(),
  run: z.string().optional(),
  with: z.record(z.string(), z.unknown()).optional(),
  env: envSchema.optional(),
  "working-directory": z.string().optional(),
});
export type Step = z.infer<typeof stepSchema>;

const jobSchema = z.object({
  needs: z.union([z.string(), z.array(z.string())]).optional(),
  env: envSchema.optional(),
  outputs: z.record(z.string(), z.string()).optional(),
  strategy: z
    .object({ matrix: z.record(z.string(), z.unknown()).optional() })
    .loose()
    .optional(),
  steps: z.array(stepSchema),
});

export const workflowSchema = z.object({
  env: envSchema.optional(),
  jobs: z.record(z.string(), jobSchema),
});
export type Workflow = z.infer<typeof workflowSchema>;

export function loadWorkflow(): Workflow {
  return workflowSchema.parse(yaml.load(readFileSync(WORKFLOW, "utf8")));
}

export function namedStep(workflow: Workflow, job: string, name: string): Step {
  const step = workflow.jobs[job]?.steps.find((s) => s.name === name);
  if (step === undefined) throw new Error(`no step "${name}" in job ${job} of ${WORKFLOW}`);
  return step;
}

/**
 * A step's env as GitHub sets it, from the values of the given context expressions. Variables
 * taken from `secrets.*` are left out: a test has none, so they are unset, as an unset secret is.
 */
export function stepEnv(step: Step, context: Readonly<Record<string, string>>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(step.env ?? {})) {
    if (/\$\{\{\s*secrets\./.test(value)) continue;
    env[name] = value.replace(/\$\{\{\s*(.+?)\s*\}\}/g, (_, expression: string) => {
      const known = context[expression];
      if (known === undefined) throw new Error(`step "${step.name ?? step.run}": no test value for \${{ ${expression} }}`);
      return known;
    });
  }
  return env;
}

/** Runs a step's script as GitHub runs a `run:` step on Linux: `bash --noprofile --norc -eo pipefail FILE`. */
export async function runStep(step: Step, options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<CliResult> {
  if (step.run === undefined) throw new Error(`step "${step.name ?? step.uses}" has no run script`);
  const dir = mkdtempSync(path.join(tmpdir(), "oc-cdktf-step-"));
  try {
    const file = path.join(dir, "step.sh");
    writeFileSync(file, step.run);
    return await runPipeline(`bash --noprofile --norc -eo pipefail '${file}'`, options);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
