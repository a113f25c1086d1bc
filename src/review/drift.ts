// The drift report of `oc-cdktf drift`: for every stack under a directory, what a refresh-only
// plan finds changed outside Terraform (settings edited elsewhere, members added or removed by
// hand, managed items missing, foreign VLAN tags), the storage targets and applications on
// managed clusters that no resource declares, the Incus server keys set on a cluster whose
// settings the stack manages that its configuration does not, and the clusters of the Operations
// Center that no stack manages. The connection is the provider's: its block in the plan's configuration, read
// by the provider's own configure, with the same environment overrides.
// summary/drift.ts renders the report.
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { OperationsCenterClient } from "../client/client.js";
import { memberLocalKeys, PLACEMENT_SCRIPTLET_KEY } from "../config/incus.js";
import { secretConfigKey } from "../config/secrets.js";
import { renderClusterTemplate } from "../config/template.js";
import type { ProviderClient } from "../provider/client.js";
import type { ObjectValue, Value } from "../provider/plugin/types.js";
import { configureClient, providerSchema } from "../provider/provider.js";
import { closeIncusClients, incusFor } from "../provider/resources/incus/connection.js";
import { parsePlanText, stateResources, type Plan, type StateResource } from "./plan-schema.js";
import { summarize } from "./plan-summary.js";
import type { DriftReport, StackDrift } from "./summary/drift.js";
import { PROVIDER_PREFIX } from "./summary/families.js";
import type { DriftItem } from "./summary/model.js";
import { objectOf, show, stringOf, stringsOf } from "./summary/values.js";
import { terraform } from "./terraform.js";

const SKIPPED_DIRS = new Set(["node_modules", ".terraform", ".git", ".gen"]);
const MAX_DEPTH = 6;

const isStack = (dir: string): boolean => readdirSync(dir).some((f) => f.endsWith(".tf") || f.endsWith(".tf.json"));

/** The stack directories: the directory itself when it holds Terraform files, else those below it. */
export function findStacks(dir: string): string[] {
  if (isStack(dir)) return [dir];
  const out: string[] = [];
  const walk = (current: string, depth: number): void => {
    for (const entry of readdirSync(current).sort()) {
      if (SKIPPED_DIRS.has(entry) || entry.startsWith(".")) continue;
      const full = path.join(current, entry);
      if (!statSync(full).isDirectory()) continue;
      if (isStack(full)) out.push(full);
      else if (depth < MAX_DEPTH) walk(full, depth + 1);
    }
  };
  walk(dir, 0);
  return out;
}

/**
 * terraform plan with `options` (-refresh-only for drift) into a temporary plan file, then show
 * -json of it; terraform init first when the stack has no .terraform yet. Never takes the lock.
 */
export async function stackPlan(stackDir: string, env: NodeJS.ProcessEnv, options: readonly string[]): Promise<Plan> {
  if (!existsSync(path.join(stackDir, ".terraform"))) {
    const init = await terraform(["init", "-input=false", "-no-color"], { cwd: stackDir, env });
    if (init.code !== 0) throw new Error(`terraform init failed:\n${init.stderr.trim() || init.stdout.trim()}`);
  }
  const scratch = mkdtempSync(path.join(tmpdir(), "oc-cdktf-plan-"));
  try {
    const planFile = path.join(scratch, "plan.bin");
    const planned = await terraform(["plan", ...options, "-input=false", "-no-color", "-lock=false", `-out=${planFile}`], { cwd: stackDir, env });
    if (planned.code !== 0) throw new Error(`terraform ${["plan", ...options].join(" ")} failed:\n${planned.stderr.trim() || planned.stdout.trim()}`);
    const shown = await terraform(["show", "-json", planFile], { cwd: stackDir, env });
    if (shown.code !== 0) throw new Error(`terraform show -json failed:\n${shown.stderr.trim()}`);
    const { plan } = parsePlanText(shown.stdout, `terraform show -json in ${stackDir}`);
    if (plan === undefined) throw new Error(`terraform show -json in ${stackDir} gave no plan`);
    return plan;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The provider block's constant attributes, the others null: what configure gets from Terraform. */
export function providerBlock(plan: Plan): { config: ObjectValue; notes: string[] } {
  const entry = Object.values(plan.configuration?.provider_config ?? {}).find((p) => p.name === PROVIDER_PREFIX.slice(0, -1) && p.expressions !== undefined);
  const config: ObjectValue = Object.fromEntries(Object.keys(providerSchema.block.attributes ?? {}).map((name) => [name, null]));
  const notes: string[] = [];
  for (const [name, expression] of Object.entries(entry?.expressions ?? {})) {
    if (!(name in config)) continue;
    if (expression.constant_value === undefined) notes.push(`the provider's ${name} is not a constant; set it through the environment for oc-cdktf drift`);
    else config[name] = expression.constant_value as Value;
  }
  return { config, notes };
}

const silent = { info: () => {}, warn: () => {}, debug: () => {} };

interface ManagedCluster {
  name: string;
  members: string[];
  /** The services config the cluster was created with: its items are not foreign. */
  servicesConfig: Record<string, unknown>;
  /** The Incus server keys its application config set at creation: not foreign either. */
  incusKeys: string[];
}

function parsedObject(text: unknown): Record<string, unknown> {
  try {
    return objectOf(JSON.parse(stringOf(text) ?? "{}")) ?? {};
  } catch {
    return {};
  }
}

/**
 * The services and application config a cluster was created with: its one-off services_config
 * and application_config, or its template (when the stack manages it) rendered with the
 * cluster's values over the defaults. Secret values are not in state: a template that needs one
 * renders to nothing here.
 */
function creationConfig(
  cluster: StateResource,
  resources: readonly StateResource[],
): { services: Record<string, unknown>; application: Record<string, unknown> } {
  const template = stringOf(cluster.values?.template);
  if (template === undefined) return { services: parsedObject(cluster.values?.services_config), application: parsedObject(cluster.values?.application_config) };
  const found = resources.find((r) => r.type === "operationscenter_cluster_template" && r.values?.name === template)?.values;
  if (found === undefined || found === null) return { services: {}, application: {} };
  const defaults = Object.fromEntries(Object.entries(objectOf(found.variables) ?? {}).map(([name, v]) => [name, stringOf(objectOf(v)?.default) ?? ""]));
  const values = { ...defaults, ...(objectOf(cluster.values?.template_variables) ?? {}) } as Record<string, string>;
  try {
    const rendered = renderClusterTemplate({
      servicesTemplate: stringOf(found.services_config) ?? "",
      applicationTemplate: stringOf(found.application_config) ?? "{}",
      values,
    });
    return { services: objectOf(rendered.servicesConfig) ?? {}, application: objectOf(rendered.applicationConfig) ?? {} };
  } catch {
    return { services: {}, application: {} };
  }
}

function managedClusters(resources: readonly StateResource[]): ManagedCluster[] {
  return resources
    .filter((r) => r.type === "operationscenter_cluster" && r.mode !== "data")
    .flatMap((r) => {
      const name = stringOf(r.values?.name);
      if (name === undefined) return [];
      const members = stringsOf(r.values?.members);
      const creation = creationConfig(r, resources);
      return [
        {
          name,
          members: members.length > 0 ? members : stringsOf(r.values?.servers),
          servicesConfig: creation.services,
          incusKeys: Object.keys(objectOf(creation.application.config) ?? {}),
        },
      ];
    });
}

/** A storage target or application as a comparable key, from state values or a live element. */
interface ItemKind {
  type: string;
  words: string;
  /** Live keys on a member. */
  live(api: OperationsCenterClient, member: string): Promise<string[]>;
  /** The key of a managed resource's state values, or of an element of a services config. */
  key(values: Record<string, unknown>): string | undefined;
  /** Elements of a one-off services config. */
  fromServices(services: Record<string, unknown>): string[];
}

const targetKey =
  (first: string) =>
  (v: Record<string, unknown>): string | undefined =>
    typeof v[first] === "string" && typeof v.address === "string"
      ? `${String(v[first])} ${String(v.address)}:${typeof v.port === "number" ? v.port : 0}`
      : undefined;

function serviceKind(type: string, words: string, service: string, list: string, key: (v: Record<string, unknown>) => string | undefined): ItemKind {
  const elements = (config: Record<string, unknown> | undefined): string[] => {
    const items = config?.[list];
    if (!Array.isArray(items)) return [];
    return items.flatMap((element) => {
      const found = typeof element === "string" ? element : objectOf(element) === undefined ? undefined : key(objectOf(element)!);
      return found === undefined ? [] : [found];
    });
  };
  return {
    type,
    words,
    live: async (api, member) => elements((await api.incusOS.getService(member, service)).config),
    key,
    fromServices: (services) => elements(objectOf(services[service])),
  };
}

const PRIMARY = new Set(["incus", "incus-lts-7.0", "migration-manager", "operations-center"]);

const ITEM_KINDS: readonly ItemKind[] = [
  serviceKind("operationscenter_cluster_nvme_target", "NVMe target", "nvme", "targets", targetKey("transport")),
  serviceKind("operationscenter_cluster_iscsi_target", "iSCSI target", "iscsi", "targets", targetKey("target")),
  serviceKind("operationscenter_cluster_multipath_target", "multipath WWN", "multipath", "wwns", (v) => stringOf(v.wwn)),
  {
    type: "operationscenter_cluster_application",
    words: "application",
    live: async (api, member) => (await api.incusOS.listApplications(member)).filter((a) => !PRIMARY.has(a)),
    key: (v) => stringOf(v.name),
    fromServices: () => [],
  },
];

/**
 * Items on the members of a managed cluster that no resource declares, for each kind the stack
 * manages on that cluster (as VLAN tags are reported only on the interfaces it manages).
 */
async function foreignItems(api: OperationsCenterClient, resources: readonly StateResource[], cluster: ManagedCluster, address: string): Promise<DriftItem[]> {
  const out: DriftItem[] = [];
  for (const kind of ITEM_KINDS) {
    const declared = resources.filter((r) => r.type === kind.type && r.values?.cluster === cluster.name);
    if (declared.length === 0) continue;
    const known = new Set(kind.fromServices(cluster.servicesConfig));
    for (const r of declared) {
      const key = kind.key(r.values ?? {});
      if (key !== undefined) known.add(key);
    }
    const holders = new Map<string, string[]>();
    for (const member of cluster.members) {
      for (const item of await kind.live(api, member)) if (!known.has(item)) holders.set(item, [...(holders.get(item) ?? []), member]);
    }
    for (const [item, members] of holders) {
      out.push({
        kind: "cluster",
        name: cluster.name,
        address,
        text: `${kind.words} ${item} on ${members.join(", ")} of ${cluster.name} is foreign (no resource declares it) and left alone`,
      });
    }
  }
  return out;
}

const SETTINGS = "operationscenter_incus_cluster_settings";

/**
 * The Incus server keys set on a managed cluster that its settings resource does not manage, when
 * the stack manages that cluster's settings (as targets are reported only for the kinds it
 * declares). A member's local keys (its addresses, volumes) are that member's, not the
 * cluster's; the keys the application config set at creation are not foreign either. A value
 * whose key names a secret is not shown.
 */
async function foreignIncusKeys(client: ProviderClient, resources: readonly StateResource[], cluster: ManagedCluster): Promise<DriftItem[]> {
  const settings = resources.find((r) => r.type === SETTINGS && r.mode !== "data" && r.values?.cluster === cluster.name);
  if (settings?.values === undefined || settings.values === null) return [];
  const managed = new Set([...Object.keys(objectOf(settings.values.config) ?? {}), ...cluster.incusKeys, ...memberLocalKeys]);
  if (stringOf(settings.values.placement_scriptlet) !== undefined) managed.add(PLACEMENT_SCRIPTLET_KEY);
  const live = (await (await incusFor(client, settings.values as ObjectValue, silent)).getServerConfig()).config;
  return Object.keys(live)
    .filter((key) => !managed.has(key))
    .sort()
    .map((key) => {
      const value =
        key === PLACEMENT_SCRIPTLET_KEY
          ? ` (a placement scriptlet of ${live[key]!.split("\n").length} lines)`
          : secretConfigKey.test(key)
            ? " (value not shown)"
            : `=${show(live[key])}`;
      return {
        kind: "cluster",
        name: cluster.name,
        address: settings.address,
        text: `Incus key ${key}${value} on ${cluster.name} is foreign (the settings do not manage it) and left alone`,
      };
    });
}

export interface DriftOptions {
  env?: NodeJS.ProcessEnv;
}

export async function driftReport(directory: string, options: DriftOptions = {}): Promise<DriftReport> {
  const env = options.env ?? process.env;
  const root = path.resolve(directory);
  if (!existsSync(root) || !statSync(root).isDirectory())
    throw new Error(`${directory} is not a directory: give a stack directory (e.g. cdktf.out/stacks/<stack>) or a directory above stacks`);
  const stackDirs = findStacks(root);
  if (stackDirs.length === 0)
    throw new Error(`no Terraform stack under ${directory} (no *.tf or *.tf.json file): run cdktf synth first, or give the stack directory`);
  const report: DriftReport = { directory, stacks: [], unmanaged: [], errors: [] };
  const byUrl = new Map<string, { client: ProviderClient; managed: Set<string> }>();
  try {
    for (const stackDir of stackDirs) {
      const stack = path.relative(root, stackDir) || ".";
      let plan: Plan;
      try {
        plan = await stackPlan(stackDir, env, ["-refresh-only"]);
      } catch (error) {
        report.stacks.push({ stack, items: [], clusters: [], error: error instanceof Error ? error.message : String(error) });
        continue;
      }
      const resources = stateResources(plan.prior_state);
      const clusters = managedClusters(resources);
      const items = summarize({ plan, diagnostics: [] }).drift;
      const gone = new Set(
        plan.resource_drift
          .filter((rc) => rc.type === "operationscenter_cluster" && rc.change.after === null)
          .map((rc) => stringOf(objectOf(rc.change.before)?.name)),
      );
      const entry: StackDrift = {
        stack,
        items,
        clusters: [...new Set([...clusters.map((c) => c.name), ...[...gone].filter((n): n is string => n !== undefined)])].sort(),
      };
      report.stacks.push(entry);
      const types = [...resources.map((r) => r.type), ...(plan.configuration?.root_module?.resources ?? []).map((r) => r.address.split(".")[0] ?? "")];
      // A stack without resources of this provider has no Operations Center to compare with.
      if (!types.some((type) => type.startsWith(PROVIDER_PREFIX))) continue;
      const { config, notes } = providerBlock(plan);
      report.errors.push(...notes.map((n) => `${stack}: ${n}`));
      let configured: ProviderClient;
      try {
        configured = await configureClient(config, env, silent, stackDir);
      } catch (error) {
        report.errors.push(`${stack}: cannot connect to Operations Center: ${error instanceof Error ? error.message : String(error)}`);
        continue;
      }
      const url = configured.api.url;
      const known = byUrl.get(url);
      if (known === undefined) byUrl.set(url, { client: configured, managed: new Set(entry.clusters) });
      else {
        for (const c of entry.clusters) known.managed.add(c);
        await configured.api.close();
      }
      const client = byUrl.get(url)!.client;
      for (const cluster of clusters.filter((c) => !gone.has(c.name))) {
        const address = resources.find((r) => r.type === "operationscenter_cluster" && r.values?.name === cluster.name)?.address ?? cluster.name;
        try {
          entry.items.push(...(await foreignItems(client.api, resources, cluster, address)));
        } catch (error) {
          report.errors.push(`${stack}: cannot read the members of cluster ${cluster.name}: ${error instanceof Error ? error.message : String(error)}`);
        }
        try {
          entry.items.push(...(await foreignIncusKeys(client, resources, cluster)));
        } catch (error) {
          report.errors.push(`${stack}: cannot read the Incus settings of cluster ${cluster.name}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    }
    for (const [url, { client, managed }] of byUrl) {
      try {
        const names = await client.api.listClusterNames();
        report.unmanaged.push({ url, clusters: names.filter((n) => !managed.has(n)).sort() });
      } catch (error) {
        report.errors.push(`cannot list the clusters of ${url}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  } finally {
    for (const { client } of byUrl.values()) await Promise.all([closeIncusClients(client), client.api.close()]);
  }
  return report;
}
