// Shared set-up of the end-to-end tests: a local Operations Center in this process, a trusted
// client configuration for the provider, and terraform runs in a synthesized stack directory.
// Every test starts its own, so no test depends on another.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { startLocalOperationsCenter, type LocalOperationsCenter, type LocalOperationsCenterOptions, type RequestLogEntry } from "../../src/local-oc/index.js";
import { OperationsCenterClient } from "../../src/client/index.js";
import { showPlan, terraform, type Plan, type TerraformResult } from "../../src/review/terraform.js";
import { synthScenario, type ScenarioConfig } from "./scenario.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

export interface E2E {
  oc: LocalOperationsCenter;
  client: OperationsCenterClient;
  workdir: string;
  env: NodeJS.ProcessEnv;
  /** The stack directory of the last synth. */
  stackDir: string;
  synth(config: ScenarioConfig): void;
  tf(...args: string[]): Promise<TerraformResult>;
  /** terraform -chdir=<stackDir> …, run from the work directory. */
  tfChdir(...args: string[]): Promise<TerraformResult>;
  /** init + apply; throws with terraform's output when either fails. */
  initAndApply(): Promise<string>;
  apply(): Promise<{ code: number; output: string }>;
  /** terraform destroy -auto-approve, its output (stdout and stderr); the request log is kept. */
  destroy(): Promise<{ code: number; output: string }>;
  applyOk(): Promise<string>;
  /** plan -out, then show -json: the plan, and the plan command's text output. */
  plan(): Promise<{ code: number; output: string; plan?: Plan }>;
  /** Changed resources of a successful plan (address -> actions). */
  planChanges(): Promise<Record<string, string[]>>;
  /** Mutating requests (everything but GET) since the last clearRequests, as "METHOD path?query". */
  changes(): string[];
  close(): Promise<void>;
}

/** Working directories live under the project (.e2e/, git-ignored), as a user's cdktf.out does. */
export async function startE2E(options: LocalOperationsCenterOptions): Promise<E2E> {
  mkdirSync(path.join(ROOT, ".e2e"), { recursive: true });
  const workdir = mkdtempSync(path.join(ROOT, ".e2e", "run-"));
  const oc = await startLocalOperationsCenter({ createDelayMs: 5, ...options });
  const configDir = path.join(workdir, "oc-config");
  // An empty CLI configuration: nothing of this machine's ~/.terraformrc applies, and no warning.
  writeFileSync(path.join(workdir, "terraformrc"), "");
  await oc.writeClientConfig(configDir);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    OPERATIONS_CENTER_CONF: configDir,
    TF_CLI_CONFIG_FILE: path.join(workdir, "terraformrc"),
    OC_CDKTF_DIGEST_KEY: "e2e-digest-key",
  };
  for (const key of [
    "OPERATIONS_CENTER_REMOTE",
    "OPERATIONS_CENTER_URL",
    "OPERATIONS_CENTER_TOKEN",
    "OPERATIONS_CENTER_CLIENT_CERT",
    "OPERATIONS_CENTER_CLIENT_KEY",
    "OPERATIONS_CENTER_SERVER_CERT",
    "TF_LOG",
    "TF_LOG_PROVIDER",
    // Extra CA certificates cost every Node.js start (each provider process) the parsing of the
    // bundle, about 50 ms with a system bundle; the provider pins the local OC's certificate.
    "NODE_EXTRA_CA_CERTS",
  ]) {
    delete env[key];
  }
  const client = OperationsCenterClient.fromEnvironment({ env });
  const outdir = path.join(workdir, "cdktf.out");
  const e2e: E2E = {
    oc,
    client,
    workdir,
    env,
    stackDir: "",
    synth(config) {
      e2e.stackDir = synthScenario(outdir, config);
    },
    tf: (...args) => terraform(args, { cwd: e2e.stackDir, env }),
    tfChdir: (...args) => terraform([`-chdir=${path.relative(workdir, e2e.stackDir)}`, ...args], { cwd: workdir, env }),
    async initAndApply() {
      const init = await e2e.tf("init", "-input=false");
      if (init.code !== 0) throw new Error(`terraform init failed:\n${init.stdout}\n${init.stderr}`);
      return e2e.applyOk();
    },
    async apply() {
      oc.clearRequests();
      const result = await e2e.tf("apply", "-input=false", "-auto-approve", "-no-color");
      return { code: result.code, output: result.stdout + result.stderr };
    },
    async destroy() {
      const result = await e2e.tf("destroy", "-input=false", "-auto-approve", "-no-color");
      return { code: result.code, output: result.stdout + result.stderr };
    },
    async applyOk() {
      const { code, output } = await e2e.apply();
      if (code !== 0) throw new Error(`terraform apply failed:\n${output}`);
      return output;
    },
    async plan() {
      const planned = await e2e.tf("plan", "-input=false", "-no-color", "-out=plan.bin");
      const output = planned.stdout + planned.stderr;
      if (planned.code !== 0) return { code: planned.code, output };
      return { code: 0, output, plan: await showPlan("plan.bin", { cwd: e2e.stackDir, env }) };
    },
    async planChanges() {
      const { code, output, plan } = await e2e.plan();
      if (code !== 0 || plan === undefined) throw new Error(`terraform plan failed:\n${output}`);
      return Object.fromEntries(
        plan.resource_changes
          .filter((rc) => !(rc.change.actions.length === 1 && ["no-op", "read"].includes(rc.change.actions[0]!)))
          .map((rc) => [rc.address, rc.change.actions]),
      );
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
  return e2e;
}

/** The names of a cluster's members in the local OC, sorted. */
export function members(e2e: E2E, cluster: string): string[] {
  return e2e.oc
    .snapshot()
    .servers.filter((s) => s.cluster === cluster)
    .map((s) => s.name)
    .sort();
}

function describe(r: RequestLogEntry): string {
  const query = new URLSearchParams(r.query).toString();
  return `${r.method} ${r.path}${query === "" ? "" : `?${query}`}`;
}

/** A phrase as Terraform prints it in a diagnostic, wrapped at any blank. */
export const wrapped = (phrase: string): RegExp => new RegExp(phrase.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/ /g, "\\s+"));
