// The fleet the plan benchmarks measure (test/e2e/fleet-scenario.ts: clusters of M members with
// every bulk kind, 8 resources a cluster), built in seconds instead of one apply of 8 x N creates:
//   1. a template: `terraform apply` of a fleet of ONE cluster against a local OC of its own, so
//      the provider itself writes what a created cluster leaves (state, private data, the
//      cluster's bookkeeping properties, the servers' IncusOS config);
//   2. the measured local OC starts seeded with all N clusters formed, their servers configured as
//      the template's apply left its servers, and each cluster's properties those of the template
//      with its own name and created-by marker;
//   3. the state of N clusters: the template's 8 resource instances once per cluster, names
//      replaced, each cluster's certificate and fingerprint as the local OC made them.
// Then the check that makes the figures mean something: `terraform plan -detailed-exitcode` of the
// whole fleet must exit 0 (nothing to change), and its JSON must show no drift (the refresh read
// back exactly the state written) and no action but no-op.
//
// Terraform import blocks were tried first and dropped: with 400 resources an import apply spent
// more CPU (plan 9.7 s + apply 18.3 s) than creating them (14.3 s + the local OC's 2.7 s), as
// each imported resource is still planned, updated (deletion_policy and the other settings an
// import cannot read) and written back.
import { writeFileSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { startLocalOperationsCenter, type LocalOperationsCenter, type SeedDocument } from "../../src/local-oc/index.js";
import { adoptionMarker, CREATED_BY_KEY } from "../../src/provider/resources/cluster/bookkeeping.js";
import { ISCSI, KERNEL, LOGGING, NVME_ADDRESS, WWN } from "../e2e/bulk-scenario.js";
import { clusterName, fleetSeed, serverName, synthFleet, type Fleet } from "../e2e/fleet-scenario.js";
import { run, runOk } from "./processes.js";
import { terraformInit } from "./terraform.js";

/**
 * The provider's digest key for the template and the fleet: the key of the template's creation
 * record (a cluster property and the state's create id) must be the key the fleet's plans use.
 */
const DIGEST_KEY = "oc-cdktf-bench-fleet-digest-key";
const TEMPLATE_TIMEOUT_MS = 300_000;

type SeedServer = NonNullable<SeedDocument["servers"]>[number];

interface StateInstance {
  attributes: Record<string, unknown>;
  private?: string;
  [field: string]: unknown;
}
interface StateResource {
  mode: string;
  type: string;
  name: string;
  provider: string;
  instances: StateInstance[];
}
interface StateFile {
  resources: StateResource[];
  serial: number;
  [field: string]: unknown;
}

/**
 * The fleet's servers with the configuration of test/e2e/fleet-scenario.ts, in the seed's words;
 * the check after the build shows the provider reads them as its own apply leaves them.
 */
function configuredServers(fleet: Fleet): SeedServer[] {
  return (fleetSeed(fleet).servers ?? []).map((server) => ({
    ...server,
    interfaces: (server.interfaces ?? []).map((i) => (i.name === "eth0" ? { ...i, vlan_tags: [100, 200] } : i)),
    services: {
      iscsi: { enabled: true, targets: [{ ...ISCSI, port: 3260 }] },
      nvme: { enabled: true, targets: [{ transport: "tcp", address: NVME_ADDRESS, port: 4420 }] },
      multipath: { enabled: true, wwns: [WWN] },
    },
    kernel: KERNEL,
    logging: LOGGING,
    applications: ["incus", "debug"],
  }));
}

const base64Text = {
  decode: (value: string): string => Buffer.from(value, "base64").toString("utf8"),
  encode: (text: string): string => Buffer.from(text, "utf8").toString("base64"),
};

interface Template {
  /** The state the one-cluster apply left. */
  state: StateFile;
  /** The properties the provider's create gave the cluster. */
  properties: Record<string, string>;
}

/** The one-cluster fleet created by `terraform apply` against a local OC of its own (closed after). */
async function createTemplate(work: string, members: number, env: NodeJS.ProcessEnv, createDelayMs: number): Promise<Template> {
  const fleet: Fleet = { clusters: 1, members };
  const oc = await startLocalOperationsCenter({ seed: fleetSeed(fleet), createDelayMs });
  try {
    const configDir = join(work, "template-oc");
    await oc.writeClientConfig(configDir);
    const dir = synthFleet(join(work, "template"), fleet);
    const templateEnv = { ...env, OPERATIONS_CENTER_CONF: configDir };
    await terraformInit(dir, templateEnv);
    await runOk("terraform", ["apply", "-input=false", "-auto-approve", "-no-color", "-lock=false"], {
      cwd: dir,
      env: templateEnv,
      timeoutMs: TEMPLATE_TIMEOUT_MS,
    });
    const cluster = oc.snapshot().clusters[0];
    if (cluster === undefined) throw new Error("the template's apply created no cluster");
    return { state: JSON.parse(readFileSync(join(dir, "terraform.tfstate"), "utf8")) as StateFile, properties: cluster.properties };
  } finally {
    await oc.close();
  }
}

/**
 * What makes a text of the template cluster c's: the template's created-by marker replaced by
 * the one the provider gives cluster c (from its adoption key, the template's with c's name), then
 * the template's cluster name by c's (server names start with it). The marker goes first: it is a
 * digest, and a name inside it is not the template's name.
 */
function ownedBy(template: Template, c: number): (text: string) => string {
  const first = clusterName(0);
  const name = clusterName(c);
  const cluster = template.state.resources.find((r) => r.type === "operationscenter_cluster");
  const key = cluster?.instances[0]?.attributes.adoption_key;
  const marker = typeof key === "string" ? adoptionMarker(key.replaceAll(first, name)) : undefined;
  const templateMarker = template.properties[CREATED_BY_KEY];
  if (marker === undefined || templateMarker === undefined) throw new Error("the template's cluster has no adoption key or no created-by marker");
  return (text) => text.replaceAll(templateMarker, marker).replaceAll(first, name);
}

/** The state of the fleet: each template resource once per cluster; a cluster's certificate and fingerprint as `oc` has them. */
function fleetState(template: Template, fleet: Fleet, oc: LocalOperationsCenter): StateFile {
  const live = new Map(oc.snapshot().clusters.map((c) => [c.name, c]));
  const resources: StateResource[] = [];
  for (let c = 0; c < fleet.clusters; c++) {
    const name = clusterName(c);
    const cluster = live.get(name);
    if (cluster === undefined) throw new Error(`the local OC has no cluster ${name}`);
    const own = ownedBy(template, c);
    for (const resource of template.state.resources) {
      const copy = JSON.parse(own(JSON.stringify(resource))) as StateResource;
      for (const instance of copy.instances) {
        if (instance.private !== undefined) instance.private = base64Text.encode(own(base64Text.decode(instance.private)));
        if (copy.type === "operationscenter_cluster") {
          instance.attributes.certificate = cluster.certificate;
          instance.attributes.fingerprint = cluster.fingerprint;
        }
      }
      resources.push(copy);
    }
  }
  return { ...template.state, serial: 1, resources };
}

export interface BuiltFleet {
  oc: LocalOperationsCenter;
  /** The synthesized stack of the whole fleet, initialized, with its state. */
  stackDir: string;
  /** terraform's environment for the fleet (its local OC, the digest key of the template). */
  env: NodeJS.ProcessEnv;
  /** Milliseconds the build took, the check included. */
  buildMs: number;
}

export interface BuildOptions {
  /** terraform's environment (terraform.ts). */
  env: NodeJS.ProcessEnv;
  createDelayMs: number;
  /** Time limit of the check's plan. */
  planTimeoutMs: number;
  progress?: (text: string) => void;
}

/** Builds the fleet under `work` (see the top of this file); the local OC returned is the caller's to close. */
export async function buildFleet(work: string, fleet: Fleet, options: BuildOptions): Promise<BuiltFleet> {
  const started = performance.now();
  const env = { ...options.env, OC_CDKTF_DIGEST_KEY: DIGEST_KEY };
  options.progress?.(`fleet: template apply of 1 cluster of ${fleet.members} members`);
  const template = await createTemplate(work, fleet.members, env, options.createDelayMs);
  options.progress?.(`fleet: local OC seeded with ${fleet.clusters} clusters, state of ${template.state.resources.length * fleet.clusters} resources`);
  const clusters = Array.from({ length: fleet.clusters }, (_, c) => ({
    name: clusterName(c),
    server_names: Array.from({ length: fleet.members }, (_, m) => serverName(c, m)),
    // What the provider's create sends when the configuration leaves it unset.
    connection_url: "",
    properties: JSON.parse(ownedBy(template, c)(JSON.stringify(template.properties))) as Record<string, string>,
  }));
  const oc = await startLocalOperationsCenter({ seed: { servers: configuredServers(fleet), clusters }, createDelayMs: options.createDelayMs });
  try {
    const configDir = join(work, "oc", "config");
    await oc.writeClientConfig(configDir);
    const fleetEnv = { ...env, OPERATIONS_CENTER_CONF: configDir };
    const stackDir = synthFleet(join(work, `fleet-${fleet.clusters}`), fleet);
    await terraformInit(stackDir, fleetEnv);
    writeFileSync(join(stackDir, "terraform.tfstate"), JSON.stringify(fleetState(template, fleet, oc)));
    options.progress?.(`fleet: checking that the plan of ${fleet.clusters} clusters has nothing to change and no drift`);
    await checkNoChange(stackDir, fleetEnv, options.planTimeoutMs);
    if (oc.requests.some((r) => r.method !== "GET")) throw new Error("the check's plan wrote to the local OC");
    return { oc, stackDir, env: fleetEnv, buildMs: performance.now() - started };
  } catch (error) {
    await oc.close();
    throw error;
  }
}

interface PlanJson {
  resource_drift?: { address: string }[];
  resource_changes?: { address: string; change: { actions: string[] } }[];
}

/**
 * Throws unless `terraform plan -detailed-exitcode` in `stackDir` exits 0 (2 is a change, 1 an
 * error) and its plan shows no drift (the refresh changed nothing in state) and no action but no-op.
 */
export async function checkNoChange(stackDir: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<void> {
  const planFile = "bench-check.tfplan";
  try {
    const plan = await run("terraform", ["plan", "-input=false", "-no-color", "-lock=false", "-detailed-exitcode", `-out=${planFile}`], {
      cwd: stackDir,
      env,
      timeoutMs,
    });
    if (plan.code !== 0) {
      const what = plan.code === 2 ? "has changes" : `failed (exit code ${String(plan.code)}, signal ${String(plan.signal)})`;
      throw new Error(`the plan of the fleet in ${stackDir} ${what}; it must have nothing to change:\n${plan.output.slice(-20_000)}`);
    }
    const shown = JSON.parse(await runOk("terraform", ["show", "-json", planFile], { cwd: stackDir, env, timeoutMs })) as PlanJson;
    const drift = (shown.resource_drift ?? []).map((d) => d.address);
    const acting = (shown.resource_changes ?? []).filter((c) => c.change.actions.join() !== "no-op").map((c) => `${c.address} ${c.change.actions.join("/")}`);
    if (drift.length > 0 || acting.length > 0)
      throw new Error(
        `the plan of the fleet in ${stackDir} is not a plan with nothing to change: drift ${drift.slice(0, 5).join(", ")}; actions ${acting.slice(0, 5).join(", ")}`,
      );
  } finally {
    rmSync(join(stackDir, planFile), { force: true });
  }
}
