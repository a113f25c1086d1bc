// A work directory for the tests that use the provider as a user installs it (oc-cdktf provider
// install or mirror, cdktf-cli): a local Operations Center with a trusted client configuration,
// a HOME of its own (so ~/.terraform.d is the test's), an empty Terraform CLI configuration.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { startLocalOperationsCenter, type LocalOperationsCenter } from "../../src/local-oc/index.js";
import { PROVIDER_SOURCE } from "../../src/provider/identity.js";

export const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
export const CLI = path.join(ROOT, "dist", "src", "cli", "main.js");

export function run(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr.on("data", (c: Buffer) => (output += c.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, output }));
  });
}

export interface Workspace {
  dir: string;
  oc: LocalOperationsCenter;
  env: NodeJS.ProcessEnv;
}

export async function workspace(t: { after(fn: () => Promise<void> | void): void }, prefix = "ways-"): Promise<Workspace> {
  mkdirSync(path.join(ROOT, ".e2e"), { recursive: true });
  const dir = mkdtempSync(path.join(ROOT, ".e2e", prefix));
  const oc = await startLocalOperationsCenter({ servers: 6, createDelayMs: 5 });
  const configDir = path.join(dir, "oc-config");
  await oc.writeClientConfig(configDir);
  writeFileSync(path.join(dir, "terraformrc"), "");
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: path.join(dir, "home"),
    OPERATIONS_CENTER_CONF: configDir,
    TF_CLI_CONFIG_FILE: path.join(dir, "terraformrc"),
    CHECKPOINT_DISABLE: "1",
  };
  // Without extra CA certificates, as in startE2E (test/e2e/harness.ts): the provider pins the local OC's.
  for (const key of [
    "OPERATIONS_CENTER_REMOTE",
    "OPERATIONS_CENTER_URL",
    "TF_LOG",
    "TF_LOG_PROVIDER",
    "TF_PLUGIN_CACHE_DIR",
    "TF_DATA_DIR",
    "NODE_EXTRA_CA_CERTS",
  ])
    delete env[key];
  t.after(async () => {
    await oc.close();
    if (process.env.OC_CDKTF_KEEP_E2E === undefined) rmSync(dir, { recursive: true, force: true });
  });
  return { dir, oc, env };
}

/** `oc-cdktf provider install` into the workspace's HOME (~/.terraform.d/plugins). */
export async function installProvider(w: Workspace): Promise<void> {
  const installed = await run(process.execPath, [CLI, "provider", "install"], { cwd: w.dir, env: w.env });
  if (installed.code !== 0) throw new Error(`oc-cdktf provider install failed:\n${installed.output}`);
}

/** A plain HCL configuration with one cluster template: quick to apply, enough to run the provider. */
export const templateConfig = (name: string): string => `terraform {
  required_providers {
    operationscenter = { source = "${PROVIDER_SOURCE}", version = "0.1.0" }
  }
}

provider "operationscenter" {}

resource "operationscenter_cluster_template" "rack" {
  name            = "${name}"
  services_config = "lvm:\\n  enabled: true\\n"
  variables       = {}
}
`;
