// `oc-cdktf leftovers [STACK_DIR]`: the clusters and cluster templates an interrupted apply of a
// stack created in Operations Center but never saved in the stack's state. terraform destroy
// cannot see them, and with an empty state Terraform runs no refresh plan that could say so (it
// asks the provider only to validate, which recognises a cluster still marked unsaved, nothing
// else), so this is the check for CI before or after a destroy. A leftover is
// recognised as the provider's create recognises it for adoption: a cluster's
// oc-cdktf.io/created-by is the marker of the resource's adoption_key, or the id of its create
// journal entry in .terraform/; a template (which has nowhere to carry a mark) has exactly the
// content the resource configures.
// A journal entry whose create made no cluster is forgotten here: terraform destroy stops on such
// an entry (it cannot look), and leftovers is what looks.
// Exit codes: 0 none, 1 leftovers found, 2 a stack could not be examined or a usage error.
import { existsSync, statSync } from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import type { Cluster, ClusterTemplate } from "../client/api-types.js";
import { DEFAULT_DELETION_POLICY } from "../config/cluster.js";
import type { ProviderClient } from "../provider/client.js";
import { configureClient } from "../provider/provider.js";
import { adoptionMarker, createdHere } from "../provider/resources/cluster/bookkeeping.js";
import { endCreate, findCreate, unsavedCreate } from "../provider/resources/cluster/journal.js";
import { holdsConfiguredContent } from "../provider/resources/cluster-template.js";
import { findStacks, providerBlock, stackPlan } from "../review/drift.js";
import { PROVIDER_PREFIX } from "../review/summary/families.js";
import { marked } from "../review/summary/values.js";
import type { Plan, ResourceChange } from "../review/terraform.js";
import { type Command, failure, parseCommand, usageError } from "./command.js";

const USAGE = `usage: oc-cdktf leftovers [STACK_DIR]

  STACK_DIR   a stack directory (cdktf.out/stacks/<stack>, or a directory of *.tf files),
              or a directory above stacks: every stack below it is examined (default: .)

Lists the clusters in Operations Center that an interrupted apply of a stack created (they
carry its resource's oc-cdktf.io/created-by: the digest of its adoption_key, or the id of its
create journal in .terraform/) but that are not in the stack's state, so terraform destroy
leaves them. Lists too the cluster templates the stack declares but has not in its state that
exist with exactly the declared content: what an interrupted create leaves and the next apply
adopts (a template carries no mark, so identical content is all that is known). Runs terraform
plan -refresh=false (terraform init first where needed) to read the configuration and the
state, and connects with the provider's settings, as drift does.
An interrupted create that made no cluster is forgotten (its record in .terraform/), so
terraform destroy no longer stops on it.
Exit codes: 0 none found, 1 leftovers found, 2 a stack could not be examined.
`;

const EXIT = { none: 0, found: 1, failed: 2 } as const;

const command: Command = { name: "leftovers", usage: USAGE, usageExit: EXIT.failed };

const CLUSTER = "operationscenter_cluster";
const TEMPLATE = "operationscenter_cluster_template";
/** The template attributes that make its content: one known only after apply leaves nothing to compare. */
const TEMPLATE_CONTENT = ["name", "description", "services_config", "application_config", "variables"] as const;
const silent = { info: () => {}, warn: () => {}, debug: () => {} };

export interface Leftover {
  /** The stack directory, relative to the directory given. */
  stack: string;
  /** The resource whose interrupted create made it, e.g. operationscenter_cluster.a. */
  address: string;
  cluster: string;
  status: string;
  deletionPolicy: string;
}

/** An interrupted create whose journal entry leftovers forgot: it made no cluster, so a destroy need not stop on it. */
export interface ForgottenCreate {
  stack: string;
  address: string;
  cluster: string;
}

/** A declared template not in state whose name exists with exactly its content. */
export interface TemplateLeftover {
  stack: string;
  /** The resource that declares it, e.g. operationscenter_cluster_template.standard. */
  address: string;
  template: string;
}

export interface LeftoverReport {
  leftovers: Leftover[];
  templates: TemplateLeftover[];
  forgotten: ForgottenCreate[];
  /** Stacks that could not be examined, with why. */
  errors: string[];
}

const text = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);

const isCreate = (rc: ResourceChange, type: string): boolean =>
  rc.type === type && rc.mode !== "data" && rc.change.actions.length === 1 && rc.change.actions[0] === "create";

/** The clusters of this stack's planned creates that a create of the same resource already made. */
function leftoversOf(stack: string, plan: Plan, clusters: readonly Cluster[], workDir: string): Leftover[] {
  return plan.resource_changes
    .filter((rc) => isCreate(rc, CLUSTER))
    .flatMap((rc) => {
      const after = (rc.change.after ?? {}) as Record<string, unknown>;
      const name = text(after.name);
      const marker = adoptionMarker(text(after.adoption_key));
      const journaled = name === undefined ? undefined : findCreate(workDir, name)?.create_id;
      // The journal is kept by name: its entry can only have made the cluster of that name.
      return clusters
        .filter((cluster) => createdHere(cluster.properties, cluster.name === name ? journaled : undefined, marker))
        .map((cluster) => ({
          stack,
          address: rc.address,
          cluster: cluster.name,
          status: cluster.status,
          deletionPolicy: text(after.deletion_policy) ?? DEFAULT_DELETION_POLICY,
        }));
    });
}

/**
 * The planned creates whose journal entry records an interrupted create (cluster.ts's destroy
 * check stops on it) that made no cluster of that name: their entries can go.
 */
function createsThatMadeNothing(stack: string, plan: Plan, clusters: readonly Cluster[], workDir: string): (ForgottenCreate & { createId: string })[] {
  return plan.resource_changes
    .filter((rc) => isCreate(rc, CLUSTER))
    .flatMap((rc) => {
      const name = text((rc.change.after as Record<string, unknown> | null)?.name);
      const entry = name === undefined ? undefined : unsavedCreate(workDir, name);
      if (name === undefined || entry === undefined) return [];
      const made = clusters.some((cluster) => cluster.name === name && createdHere(cluster.properties, entry.create_id, undefined));
      return made ? [] : [{ stack, address: rc.address, cluster: name, createId: entry.create_id }];
    });
}

/** A resource's planned values in `terraform show -json` (a JSON object), as the provider's values. */
const plannedValues = z.record(z.string(), z.json());

/** The template creates of this stack, with every content attribute known, that meet a template of exactly that content. */
function templateLeftoversOf(stack: string, creates: readonly ResourceChange[], templates: readonly ClusterTemplate[]): TemplateLeftover[] {
  return creates.flatMap((rc) => {
    const after = plannedValues.safeParse(rc.change.after);
    if (!after.success || TEMPLATE_CONTENT.some((attribute) => marked(rc.change.after_unknown, attribute))) return [];
    const live = templates.find((template) => template.name === after.data.name);
    return live !== undefined && holdsConfiguredContent(live, after.data) ? [{ stack, address: rc.address, template: live.name }] : [];
  });
}

/** The leftovers of the stacks in `stackDirs`, named relative to `root`. */
export async function leftoverReport(root: string, stackDirs: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<LeftoverReport> {
  const report: LeftoverReport = { leftovers: [], templates: [], forgotten: [], errors: [] };
  for (const stackDir of stackDirs) {
    const stack = path.relative(root, stackDir) || ".";
    let client: ProviderClient | undefined;
    try {
      // Without a refresh, the creates are exactly the resources not in state.
      const plan = await stackPlan(stackDir, env, ["-refresh=false"]);
      if (!plan.resource_changes.some((rc) => rc.type.startsWith(PROVIDER_PREFIX))) continue;
      const { config, notes } = providerBlock(plan);
      report.errors.push(...notes.map((note) => `${stack}: ${note}`));
      client = await configureClient(config, env, silent, stackDir);
      const clusters = await client.api.listClusters();
      report.leftovers.push(...leftoversOf(stack, plan, clusters, client.workDir));
      for (const { createId, ...forgotten } of createsThatMadeNothing(stack, plan, clusters, client.workDir)) {
        endCreate(client.workDir, forgotten.cluster, createId);
        report.forgotten.push(forgotten);
      }
      const templateCreates = plan.resource_changes.filter((rc) => isCreate(rc, TEMPLATE));
      if (templateCreates.length > 0) report.templates.push(...templateLeftoversOf(stack, templateCreates, await client.api.listClusterTemplates()));
    } catch (error) {
      report.errors.push(`${stack}: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      await client?.api.close();
    }
  }
  return report;
}

function render(report: LeftoverReport, directory: string): string {
  const forgotten = report.forgotten.map(
    (f) =>
      `Forgot the record of an interrupted create of cluster ${f.cluster} (${f.address} of stack ${f.stack}): it made no cluster, so terraform destroy no longer stops on it.\n`,
  );
  const sections = [renderClusters(report.leftovers, directory), renderTemplates(report.templates, directory)].filter((section) => section !== "");
  return [sections.length === 0 ? "No cluster or cluster template an interrupted apply left outside the state.\n" : sections.join("\n"), ...forgotten].join("");
}

const chdirOf = (directory: string, stack: string): string => `terraform -chdir=${path.join(directory, stack)}`;

function renderClusters(leftovers: readonly Leftover[], directory: string): string {
  if (leftovers.length === 0) return "";
  const lines = [`${leftovers.length} cluster(s) an interrupted apply created are not in the state; terraform destroy leaves them:`, ""];
  for (const l of leftovers) {
    const chdir = chdirOf(directory, l.stack);
    lines.push(
      `${l.cluster} (${l.status}), created by ${l.address} of stack ${l.stack}`,
      `  adopt it:  ${chdir} apply   (the create adopts it: no second cluster)`,
      `         or  ${chdir} import '${l.address}' ${l.cluster}`,
      l.deletionPolicy === "retain"
        ? `  remove it: adopt it; deletion_policy "retain" makes no call on destroy: set "forget" or "factory-reset", apply, then ${chdir} destroy`
        : `  remove it: adopt it, then ${chdir} destroy   (deletion_policy "${l.deletionPolicy}")`,
      "",
    );
  }
  return lines.join("\n");
}

function renderTemplates(templates: readonly TemplateLeftover[], directory: string): string {
  if (templates.length === 0) return "";
  const lines = [
    `${templates.length} cluster template(s) the configuration declares exist with exactly its content but are not in the state; terraform destroy does not remove them:`,
    "",
  ];
  for (const l of templates) {
    const chdir = chdirOf(directory, l.stack);
    lines.push(
      `${l.template}, identical to ${l.address} of stack ${l.stack} (a template carries no mark of who created it: identical is not proven to be its own)`,
      `  adopt it:  ${chdir} apply   (the create adopts an identical template: no second one)`,
      `         or  ${chdir} import '${l.address}' ${l.template}`,
      `  remove it: adopt it, then ${chdir} destroy`,
      `         or  operations-center provisioning cluster-template remove ${l.template}   (if it is not this configuration's)`,
      "",
    );
  }
  return lines.join("\n");
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(command, argv, { allowPositionals: true, options: {} });
  if (typeof parsed === "number") return parsed;
  if (parsed.positionals.length > 1) return usageError(command, "give one directory");
  const directory = parsed.positionals[0] ?? ".";
  const root = path.resolve(directory);
  if (!existsSync(root) || !statSync(root).isDirectory()) return usageError(command, `${directory} is not a directory`);
  const stacks = findStacks(root);
  if (stacks.length === 0) return failure(command, `no Terraform stack under ${directory} (no *.tf or *.tf.json file)`, EXIT.failed);
  const report = await leftoverReport(root, stacks);
  process.stdout.write(render(report, directory));
  for (const error of report.errors) process.stderr.write(`oc-cdktf leftovers: ${error}\n`);
  if (report.leftovers.length > 0 || report.templates.length > 0) return EXIT.found;
  return report.errors.length > 0 ? EXIT.failed : EXIT.none;
}
