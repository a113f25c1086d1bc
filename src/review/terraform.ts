// Runs the terraform binary in a synthesized stack directory and reads plans as JSON.
import { spawn } from "node:child_process";
import { MINIMUM_TERRAFORM } from "../provider/node-version.js";
import { planSchema, type Plan } from "./plan-schema.js";

export interface TerraformResult {
  code: number;
  stdout: string;
  stderr: string;
}

interface TerraformOptions {
  /** The stack directory, e.g. cdktf.out/stacks/<stack>. */
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Print output as it comes (the demo), besides collecting it. */
  echo?: boolean;
}

export function terraform(args: string[], options: TerraformOptions): Promise<TerraformResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.env.TERRAFORM_BINARY_NAME ?? "terraform", args, {
      cwd: options.cwd,
      env: { CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1", ...(options.env ?? process.env) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      if (options.echo) process.stdout.write(chunk);
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      if (options.echo) process.stderr.write(chunk);
    });
    child.on("error", (err) => reject(new Error(`cannot run terraform (${err.message}); install Terraform >= ${MINIMUM_TERRAFORM} and put it on PATH`)));
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

export { planSchema, type Plan, type ResourceChange } from "./plan-schema.js";

/** `terraform show -json <planfile>`, parsed. */
export async function showPlan(planFile: string, options: TerraformOptions): Promise<Plan> {
  const shown = await terraform(["show", "-json", planFile], { ...options, echo: false });
  if (shown.code !== 0) throw new Error(`terraform show -json ${planFile} failed:\n${shown.stderr}`);
  return planSchema.parse(JSON.parse(shown.stdout));
}
