// Runs one hook: what `oc-cdktf hook <kind>` does inside a Terraform provisioner.
import { readFileSync } from "node:fs";
import { OperationsCenterClient } from "../client/client.js";
import { runClusterCreate, runClusterDestroy } from "./cluster.js";
import type { HookContext } from "./context.js";
import { runCreationCheck } from "./creation.js";
import { runInventory } from "./inventory.js";
import { runMembers } from "./members.js";
import { HookError, Reporter } from "./report.js";
import { runSettings } from "./settings.js";
import { hookSpecSchema, type HookSpec } from "./spec.js";
import { runTemplate, runTemplateDestroy } from "./template.js";

export const hookKinds = [
  "cluster",
  "creation",
  "members",
  "settings",
  "template",
  "inventory",
  "cluster-destroy",
  "template-destroy",
] as const;
export type HookKind = (typeof hookKinds)[number];

/** Environment variables the synthesized provisioners set. */
export const HOOK_ENV = {
  remote: "OC_CDKTF_REMOTE",
  configDir: "OC_CDKTF_CONFIG_DIR",
  owner: "OC_CDKTF_OWNER",
  cluster: "OC_CDKTF_CLUSTER",
  template: "OC_CDKTF_TEMPLATE",
} as const;

export function readSpec(file: string, kind: HookKind): HookSpec {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new HookError(
      `cannot read hook spec ${file}: ${err instanceof Error ? err.message : String(err)}. ` +
        `Terraform must run in the synthesized stack directory (cdktf.out/stacks/<stack>); run cdktf synth again.`,
    );
  }
  const parsed = hookSpecSchema.safeParse(raw);
  if (!parsed.success || parsed.data.kind !== kind) {
    throw new HookError(`hook spec ${file} is not a valid "${kind}" spec; synthesize again with the same oc-cdktf version that runs the hook`);
  }
  return parsed.data;
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (value === undefined || value === "") throw new HookError(`${name} is not set; the provisioner sets it`);
  return value;
}

async function dispatch(kind: HookKind, specFile: string | undefined, env: NodeJS.ProcessEnv, context: HookContext) {
  if (kind === "cluster-destroy") {
    return runClusterDestroy(required(env, HOOK_ENV.cluster), required(env, HOOK_ENV.owner), context);
  }
  if (kind === "template-destroy") return runTemplateDestroy(required(env, HOOK_ENV.template), context);
  if (specFile === undefined) throw new HookError(`hook ${kind} needs a spec file argument`);
  const spec = readSpec(specFile, kind);
  switch (spec.kind) {
    case "cluster":
      return runClusterCreate(spec, context);
    case "creation":
      return runCreationCheck(spec, context);
    case "members":
      return runMembers(spec, context);
    case "settings":
      return runSettings(spec, context);
    case "template":
      return runTemplate(spec, context);
    case "inventory":
      return runInventory(spec, context);
  }
}

/** Runs a hook and returns its exit code; every failure is reported, never thrown. */
export async function runHook(
  kind: string,
  specFile: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  report: Reporter = new Reporter(),
): Promise<number> {
  if (!(hookKinds as readonly string[]).includes(kind)) {
    report.note(`unknown hook "${kind}"; known hooks: ${hookKinds.join(", ")}`);
    return 2;
  }
  let client: OperationsCenterClient | undefined;
  try {
    client = OperationsCenterClient.fromEnvironment({
      remote: env[HOOK_ENV.remote] || undefined,
      configDir: env[HOOK_ENV.configDir] || undefined,
      env,
    });
    await dispatch(kind as HookKind, specFile, env, { client, report, env });
    return 0;
  } catch (err) {
    report.note(`error: ${err instanceof Error ? err.message : String(err)}`);
    if (err instanceof HookError && err.leftState !== undefined) report.note(`state: ${err.leftState}`);
    return 1;
  } finally {
    await client?.close();
  }
}
