// Terraform as every bench workspace runs it: a CLI configuration of its own (so no plugin cache
// or mirror of this machine applies), no checkpoint call, automation output; `terraform init`
// once before any timer, then timed applies against fresh state.
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runOk, timeToExit } from "./processes.js";

const INIT_TIMEOUT_MS = 60_000;
const APPLY_TIMEOUT_MS = 120_000;

/** `env` without what selects another Operations Center or changes terraform's or the provider's behaviour (OPERATIONS_CENTER_*, OC_CDKTF_*, TF_*). */
export function withoutLocalSettings(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(env).filter(([key]) => !key.startsWith("OPERATIONS_CENTER_") && !key.startsWith("OC_CDKTF_") && !key.startsWith("TF_")),
  );
}

/** `env` plus terraform's settings for a bench; writes the empty CLI configuration under `work`. */
export function terraformEnv(work: string, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const cliConfig = join(work, "terraformrc");
  writeFileSync(cliConfig, "");
  return { ...env, TF_CLI_CONFIG_FILE: cliConfig, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1" };
}

export async function terraformInit(dir: string, env: NodeJS.ProcessEnv): Promise<void> {
  await runOk("terraform", ["init", "-input=false", "-no-color"], { cwd: dir, env, timeoutMs: INIT_TIMEOUT_MS });
}

/** Removes the local state of `dir`, so the next apply creates everything. */
export function removeState(dir: string): void {
  for (const file of ["terraform.tfstate", "terraform.tfstate.backup"]) rmSync(join(dir, file), { force: true });
}

/** Milliseconds of `terraform apply -input=false -auto-approve` in `dir`, which must succeed. */
export function timeApply(dir: string, env: NodeJS.ProcessEnv): Promise<number> {
  return timeToExit("terraform", ["apply", "-input=false", "-auto-approve", "-no-color"], { cwd: dir, env, timeoutMs: APPLY_TIMEOUT_MS });
}
