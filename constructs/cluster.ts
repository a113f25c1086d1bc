import { Construct } from "constructs";
import { serverTypes, type ServerType } from "../src/client/api-types.js";
import {
  applicationConfigSchema,
  loadConfig,
  redactApplicationConfig,
  redactServicesConfig,
  servicesConfigSchema,
  templateValuesSchema,
  type ApplicationConfig,
  type ServicesConfig,
} from "../src/config/index.js";
import { digest } from "../src/hooks/digest.js";
import { PREFIX } from "../src/hooks/bookkeeping.js";
import { deletionPolicies, type CreationRecord, type DeletionPolicy } from "../src/hooks/spec.js";
import { ClusterTemplate, withConfigErrors } from "./cluster-template.js";
import { HookResource } from "./hook-resource.js";
import { checkObjectName, resourcePrefix } from "./names.js";
import { OperationsCenter } from "./operations-center.js";

export interface ClusterRollingRestartConfig {
  /**
   * How long Operations Center waits after restoring a member before the next one, during
   * rolling restarts (`:update`, `:reboot`). A Go duration such as "15m" or "1h30m". @default ""
   */
  readonly postRestoreDelay?: string;
  /** "" moves evacuated instances back after a restart; "skip" leaves them where they are. @default "" */
  readonly restoreMode?: "" | "skip";
}

export interface ClusterProps {
  /**
   * Name of the cluster in Operations Center. Case-sensitive; must not contain \ / : * ? " < > |.
   * Changing it means a different cluster: the old one gets its deletion policy, a new one is created.
   */
  readonly name: string;
  /**
   * Registered servers that form the cluster. The first is the bootstrap member at creation.
   * Later changes add servers (`:add-servers`) and remove the members this stack added before
   * (evacuated, then `:remove-servers`, which factory-resets them). Members added outside the
   * stack are left alone.
   */
  readonly servers: string[];
  /** URL users reach the cluster on; Operations Center only stores it. @default "" */
  readonly connectionUrl?: string;
  /** Which servers qualify: Operations Center requires every member to have this type. @default "incus" */
  readonly serverType?: ServerType;
  /**
   * Update channel of the cluster and its members. @default the server's default channel
   * (`stable`) at creation; afterwards left as it is unless set.
   */
  readonly channel?: string;
  /** Free-text description. @default left as it is on the server ("" at creation) */
  readonly description?: string;
  /**
   * Cluster properties (string map). Keys this stack set and later drops are removed; keys set by
   * others are kept. Keys starting with `oc-cdktf.io/` are reserved for this tool's bookkeeping.
   * @default {}
   */
  readonly properties?: Record<string, string>;
  /** Rolling restart settings. @default left as it is on the server */
  readonly config?: { readonly rollingRestart?: ClusterRollingRestartConfig };
  /**
   * One-off clustering: IncusOS services config (`lvm`, `nvme`, ...) applied to every server
   * before clustering, as an object or a path to a YAML/JSON file. Used only at creation; a later
   * change fails the apply with a way forward. Not allowed together with `template`. @default {}
   */
  readonly servicesConfig?: Record<string, unknown> | string;
  /**
   * One-off clustering: the Incus preseed applied after clustering, as an object or a path to a
   * YAML/JSON file. Used only at creation. Not allowed together with `template`. @default {}
   */
  readonly applicationConfig?: Record<string, unknown> | string;
  /**
   * Template-based clustering: a ClusterTemplate of this app, or the name of a template that
   * already exists in Operations Center. Used only at creation.
   */
  readonly template?: ClusterTemplate | string;
  /**
   * Values for the template's variables, as an object or a path to a YAML/JSON values file
   * (`VAR: value`; numbers and booleans become strings). Used only at creation. @default {}
   */
  readonly templateVariables?: Record<string, string | number | boolean> | string;
  /**
   * Copy the storage-related services config (lvm, iscsi, multipath, nvme, ceph, linstor, ovn) of
   * an existing member to servers added later, as Operations Center's `copy_services_config` does.
   * @default true
   */
  readonly copyServicesConfigOnAdd?: boolean;
  /**
   * What happens in Operations Center when the cluster leaves the code or the stack is destroyed:
   * `retain` makes no call, `forget` deletes only the record (DELETE ?mode=force; the servers keep
   * running), `factory-reset` wipes and unregisters every member. @default "retain"
   */
  readonly deletionPolicy?: DeletionPolicy;
}

/**
 * An Incus cluster provisioned by Operations Center, one-off or from a template. Synthesizes
 * `<id>_cluster` (identity: create, adopt, deletion policy), `<id>_creation` (creation-only
 * inputs), `<id>_members` and `<id>_settings`, chained in that order.
 */
export class Cluster extends Construct {
  readonly name: string;
  readonly identity: HookResource;
  readonly members: HookResource;
  readonly settings: HookResource;

  constructor(scope: Construct, id: string, props: ClusterProps) {
    super(scope, id);
    const where = `Cluster '${this.node.path}'`;
    const oc = OperationsCenter.of(this);
    this.name = checkObjectName("Cluster", this.node.path, props.name);
    const servers = checkServers(where, props.servers);
    const serverType = props.serverType ?? "incus";
    if (!serverTypes.includes(serverType)) {
      throw new Error(`${where}: serverType "${String(serverType)}" is not one of ${serverTypes.join(", ")}.`);
    }
    const deletionPolicy = props.deletionPolicy ?? "retain";
    if (!deletionPolicies.includes(deletionPolicy)) {
      throw new Error(`${where}: deletionPolicy "${String(deletionPolicy)}" is not one of ${deletionPolicies.join(", ")}.`);
    }
    const properties = checkProperties(where, props.properties ?? {});
    const config = checkConfig(where, props.config);
    const connectionUrl = checkConnectionUrl(where, props.connectionUrl);
    const inputs = creationInputs(where, this.node.path, props);
    oc.registerCluster(this.name, this.node.path);

    const prefix = resourcePrefix(id);
    const common = { construct_path: this.node.path, owner: oc.ownerId, cluster: this.name };
    const clusterAddress = oc.resourceAddress(`${prefix}_cluster`);
    this.identity = new HookResource(this, "cluster", {
      resourceName: `${prefix}_cluster`,
      triggers: { name: this.name },
      spec: {
        kind: "cluster",
        ...common,
        cluster_address: clusterAddress,
        server_names: servers,
        server_type: serverType,
        connection_url: connectionUrl ?? "",
        channel: props.channel ?? "",
        ...(props.description !== undefined ? { description: props.description } : {}),
        properties,
        ...(config !== undefined ? { config } : {}),
        ...inputs.spec,
        deletion_policy: deletionPolicy,
        creation: inputs.record,
      },
      destroy: { kind: "cluster-destroy", fromTriggers: { OC_CDKTF_CLUSTER: "name" } },
      dependsOn: inputs.template !== undefined ? [inputs.template.content.resource] : undefined,
    });
    const creation = new HookResource(this, "creation", {
      resourceName: `${prefix}_creation`,
      triggers: { name: this.name, server_type: serverType, ...inputs.readable },
      spec: { kind: "creation", ...common, cluster_address: clusterAddress, creation: inputs.record },
      dependsOn: [this.identity.resource],
    });
    this.members = new HookResource(this, "members", {
      resourceName: `${prefix}_members`,
      triggers: { name: this.name, servers },
      spec: {
        kind: "members",
        ...common,
        server_names: servers,
        copy_services_config: props.copyServicesConfigOnAdd ?? true,
      },
      dependsOn: [creation.resource],
    });
    const managed = {
      ...(connectionUrl !== undefined ? { connection_url: connectionUrl } : {}),
      ...(props.channel !== undefined ? { channel: props.channel } : {}),
      ...(props.description !== undefined ? { description: props.description } : {}),
      ...(config !== undefined ? { config } : {}),
    };
    this.settings = new HookResource(this, "settings", {
      resourceName: `${prefix}_settings`,
      triggers: { name: this.name, ...managed, properties, deletion_policy: deletionPolicy },
      spec: { kind: "settings", ...common, ...managed, properties, deletion_policy: deletionPolicy },
      dependsOn: [this.members.resource],
    });
    oc.addInventoryDependency(this.settings);
  }
}

function checkServers(where: string, servers: unknown): string[] {
  if (!Array.isArray(servers) || servers.length === 0) {
    throw new Error(`${where}: servers must list at least one registered server.`);
  }
  const seen = new Set<string>();
  for (const server of servers) {
    if (typeof server !== "string" || server.trim() === "") {
      throw new Error(`${where}: servers must be non-empty server names, got ${JSON.stringify(server)}.`);
    }
    if (seen.has(server)) throw new Error(`${where}: server "${server}" is listed twice in servers.`);
    seen.add(server);
  }
  return [...servers] as string[];
}

function checkProperties(where: string, properties: Record<string, string>): Record<string, string> {
  for (const [key, value] of Object.entries(properties)) {
    if (key.startsWith(PREFIX)) {
      throw new Error(`${where}: property "${key}" uses the prefix ${PREFIX}, which this tool reserves for its bookkeeping; rename it.`);
    }
    if (typeof value !== "string") {
      throw new Error(`${where}: property "${key}" must be a string, got ${JSON.stringify(value)}; Operations Center stores properties as strings.`);
    }
  }
  return { ...properties };
}

const GO_DURATION = /^[-+]?((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+$|^0$/;

function checkConfig(where: string, config: ClusterProps["config"]) {
  if (config?.rollingRestart === undefined) return undefined;
  const delay = config.rollingRestart.postRestoreDelay ?? "";
  const mode = config.rollingRestart.restoreMode ?? "";
  if (delay !== "" && !GO_DURATION.test(delay)) {
    throw new Error(`${where}: config.rollingRestart.postRestoreDelay "${delay}" is not a duration; write it like "15m", "90s" or "1h30m".`);
  }
  if (mode !== "" && mode !== "skip") {
    throw new Error(`${where}: config.rollingRestart.restoreMode must be "" or "skip", got "${String(mode)}".`);
  }
  return { rolling_restart: { post_restore_delay: delay, restore_mode: mode } };
}

function checkConnectionUrl(where: string, url: string | undefined): string | undefined {
  if (url === undefined || url === "") return url;
  try {
    new URL(url);
  } catch {
    throw new Error(`${where}: connectionUrl "${url}" is not a URL; write it like https://cluster.example.net:8443.`);
  }
  return url;
}

/** Digest of each top-level key, so a later change can be named down to that key. */
function keyDigests(value: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, digest(v)]));
}

const SECRET_VARIABLE = /KEY|SECRET|TOKEN|PASSWORD|PASSPHRASE|CREDENTIAL/i;

function creationInputs(where: string, constructPath: string, props: ClusterProps) {
  const serverType = props.serverType ?? "incus";
  if (props.template !== undefined) {
    if (props.servicesConfig !== undefined || props.applicationConfig !== undefined) {
      throw new Error(
        `${where}: give either template (template-based clustering) or servicesConfig/applicationConfig (one-off clustering), not both; the server ignores the configs when a template is named.`,
      );
    }
    const values = withConfigErrors(where, () =>
      loadConfig(templateValuesSchema, props.templateVariables ?? {}, { label: "templateVariables" }).value,
    );
    const template = typeof props.template === "string" ? undefined : props.template;
    const templateName =
      typeof props.template === "string" ? checkObjectName("Cluster", constructPath, props.template, "template") : props.template.name;
    template?.render(`${where} (template "${templateName}")`, values);
    const record: CreationRecord = {
      server_type: serverType,
      services_config: {},
      application_config: {},
      template: templateName,
      template_values: keyDigests(values),
    };
    const readableValues = Object.fromEntries(
      Object.entries(values).map(([k, v]) => [k, SECRET_VARIABLE.test(k) ? digest(v) : v]),
    );
    return {
      template,
      record,
      spec: { cluster_template: templateName, cluster_template_variable_values: values },
      readable: { template: templateName, template_variables: readableValues },
    };
  }
  if (props.templateVariables !== undefined) {
    throw new Error(`${where}: templateVariables is set but no template; name the template, or drop templateVariables.`);
  }
  const servicesConfig: ServicesConfig = withConfigErrors(where, () =>
    loadConfig(servicesConfigSchema, props.servicesConfig ?? {}, { label: "servicesConfig" }).value,
  );
  const applicationConfig: ApplicationConfig = withConfigErrors(where, () =>
    loadConfig(applicationConfigSchema, props.applicationConfig ?? {}, { label: "applicationConfig" }).value,
  );
  const record: CreationRecord = {
    server_type: serverType,
    services_config: keyDigests(servicesConfig as Record<string, unknown>),
    application_config: keyDigests(applicationConfig as Record<string, unknown>),
    template: "",
    template_values: {},
  };
  return {
    template: undefined,
    record,
    spec: {
      services_config: servicesConfig as Record<string, unknown>,
      application_seed_config: applicationConfig as Record<string, unknown>,
    },
    readable: {
      services_config: redactServicesConfig(servicesConfig),
      application_config: redactApplicationConfig(applicationConfig),
    },
  };
}
