// Shared set-up of the end-to-end tests: a local Operations Center in this process, a trusted
// client configuration for the hooks, and terraform runs in the synthesized stack directory.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { startLocalOperationsCenter, type LocalOperationsCenter, type LocalOperationsCenterOptions, type RequestLogEntry } from "../../src/local-oc/index.js";
import { OperationsCenterClient } from "../../src/client/index.js";
import { changedResources, showPlan, terraform, type TerraformResult } from "../../src/review/terraform.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

export interface E2E {
  oc: LocalOperationsCenter;
  client: OperationsCenterClient;
  workdir: string;
  env: NodeJS.ProcessEnv;
  tf(stackDir: string, ...args: string[]): Promise<TerraformResult>;
  /** terraform -chdir=<stackDir> …, run from the work directory instead of the stack directory. */
  tfChdir(stackDir: string, ...args: string[]): Promise<TerraformResult>;
  /** Plans and returns the changed resources (address -> actions). */
  plan(stackDir: string): Promise<Record<string, string[]>>;
  /** Mutating requests (everything but GET) made since the last clearRequests, as "METHOD path?query". */
  changes(): string[];
  close(): Promise<void>;
}

/** Working directories live under the project (.e2e/, git-ignored) so hook paths stay relative. */
export async function startE2E(options: LocalOperationsCenterOptions): Promise<E2E> {
  mkdirSync(path.join(ROOT, ".e2e"), { recursive: true });
  const workdir = mkdtempSync(path.join(ROOT, ".e2e", "run-"));
  const oc = await startLocalOperationsCenter({ createDelayMs: 5, ...options });
  const configDir = path.join(workdir, "oc-config");
  await oc.writeClientConfig(configDir);
  const env: NodeJS.ProcessEnv = { ...process.env, OPERATIONS_CENTER_CONF: configDir };
  for (const key of ["OPERATIONS_CENTER_REMOTE", "OPERATIONS_CENTER_URL", "OPERATIONS_CENTER_TOKEN", "OPERATIONS_CENTER_CLIENT_CERT", "OPERATIONS_CENTER_CLIENT_KEY", "OPERATIONS_CENTER_SERVER_CERT"]) {
    delete env[key];
  }
  const client = OperationsCenterClient.fromEnvironment({ env });
  const tf = (stackDir: string, ...args: string[]) => terraform(args, { cwd: stackDir, env });
  return {
    oc,
    client,
    workdir,
    env,
    tf,
    tfChdir: (stackDir, ...args) => terraform([`-chdir=${path.relative(workdir, stackDir)}`, ...args], { cwd: workdir, env }),
    async plan(stackDir) {
      const planned = await tf(stackDir, "plan", "-input=false", "-out=plan.bin");
      if (planned.code !== 0) throw new Error(`terraform plan failed:\n${planned.stdout}\n${planned.stderr}`);
      const plan = await showPlan("plan.bin", { cwd: stackDir, env });
      return Object.fromEntries(changedResources(plan).map((c) => [c.address, c.actions]));
    },
    changes() {
      return oc.requests.filter((r) => r.method !== "GET").map(describe);
    },
    async close() {
      await client.close();
      await oc.close();
      if (process.env.OC_CDKTF_KEEP_E2E === undefined) rmSync(workdir, { recursive: true, force: true });
    },
  };
}

function describe(r: RequestLogEntry): string {
  const query = new URLSearchParams(r.query).toString();
  return `${r.method} ${r.path}${query === "" ? "" : `?${query}`}`;
}
