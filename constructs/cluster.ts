import { Lazy, Token } from "cdktf";
import { Construct } from "constructs";
import type { ServerType } from "../src/client/api-types.js";
import {
  applicationConfigSchema,
  loadConfig,
  servicesConfigSchema,
  templateValuesSchema,
  type ApplicationConfig,
  type ServicesConfig,
} from "../src/config/index.js";
import { splitSecrets, type JsonObject } from "../src/config/secrets.js";
import { secretTemplateValueNames } from "../src/config/template-secrets.js";
import {
  connectionUrlProblem,
  DEFAULT_DELETION_POLICY,
  deletionPolicies,
  deletionPolicyProblem,
  serversProblem,
  serverTypeProblem,
  postRestoreDelayProblem,
  reservedPropertyProblem,
  restoreModeProblem,
  type DeletionPolicy,
} from "../src/config/cluster.js";
import { ClusterApplication, type ClusterApplicationName } from "./cluster-application.js";
import { ClusterIscsiTarget } from "./cluster-iscsi-target.js";
import { ClusterKernelConfig, type KernelConfig } from "./cluster-kernel-config.js";
import { ClusterLoggingConfig, type LoggingConfig } from "./cluster-logging-config.js";
import { ClusterMultipathTarget } from "./cluster-multipath-target.js";
import { ClusterNvmeTarget } from "./cluster-nvme-target.js";
import { ClusterReference } from "./cluster-reference.js";
import { ClusterVlanTags } from "./cluster-vlan-tags.js";
import type { ClusterTemplate } from "./cluster-template.js";
import type { ICluster, IManagedCluster } from "./icluster.js";
import type { IncusConnectionProps } from "./incus-common.js";
import { IncusClusterMembers } from "./incus-cluster-members.js";
import { namePart } from "./bulk-declarations.js";
import { checkObjectName, literal, literalList, literalMap, terraformName } from "./names.js";
import { OperationsCenter } from "./operations-center.js";
import { Cluster as ClusterResource } from "./provider/cluster/index.js";
import { failOn, synthError, withConfigErrors } from "./synth-errors.js";

/** What happens in Operations Center when the cluster leaves the code or the stack is destroyed. */
export { deletionPolicies, type DeletionPolicy };

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
   * A change renames the cluster in place (Operations Center's rename call, with If-Match).
   */
  readonly name: string;
  /**
   * Registered servers that form the cluster. At creation the first in sorted order bootstraps
   * it. Later changes add servers (`:add-servers`) and remove members this resource manages
   * (evacuated, then `:remove-servers`, which factory-resets them; the plan warns). Members
   * added outside the stack are left alone unless `exclusiveMembers` is set.
   */
  readonly servers: string[];
  /** Remove members that are not in `servers`, even those added outside the stack. @default false */
  readonly exclusiveMembers?: boolean;
  /** URL users reach the cluster on; Operations Center only stores it. @default not managed ("" at creation) */
  readonly connectionUrl?: string;
  /** Which servers qualify: Operations Center requires every member to have this type. Creation-only. @default "incus" */
  readonly serverType?: ServerType;
  /**
   * Update channel of the cluster and its members (Operations Center propagates it to them).
   * @default not managed: the server's default channel (`stable`) at creation
   */
  readonly channel?: string;
  /** Free-text description. @default not managed ("" at creation) */
  readonly description?: string;
  /**
   * Cluster properties (string map). Keys this stack set and later drops are removed; keys set by
   * others are kept (all of them show in the resource's `properties_all`). Keys starting with
   * `oc-cdktf.io/` are reserved for the provider's bookkeeping. @default {}
   */
  readonly properties?: Record<string, string>;
  /** Rolling restart settings. @default not managed */
  readonly config?: { readonly rollingRestart?: ClusterRollingRestartConfig };
  /**
   * One-off clustering: IncusOS services config (`lvm`, `nvme`, ...) applied to every server
   * before clustering, as an object or a path to a YAML/JSON file. Creation-only: a later change
   * fails the plan with the ways forward. Secret fields (service keys) go to a write-only input
   * and never reach the plan or state. Not allowed together with `template`. @default {}
   */
  readonly servicesConfig?: Record<string, unknown> | string;
  /**
   * One-off clustering: the Incus preseed applied after clustering, as an object or a path to a
   * YAML/JSON file. Creation-only; secrets as for servicesConfig. Not allowed with `template`. @default {}
   */
  readonly applicationConfig?: Record<string, unknown> | string;
  /**
   * Template-based clustering: a ClusterTemplate of this app, or the name of a template that
   * already exists in Operations Center. Creation-only. @default none: one-off clustering with
   * servicesConfig and applicationConfig
   */
  readonly template?: ClusterTemplate | string;
  /**
   * Values for the template's variables, as an object or a path to a YAML/JSON values file
   * (`VAR: value`; numbers and booleans become strings). Values that land in a secret field of
   * a ClusterTemplate of this app go to the write-only input; for a template given by name, whose
   * text is not known at synth, every value does (none shows in cdk.tf.json or the plan).
   * Creation-only. @default {}
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
   * `retain` makes no call (Terraform only forgets it), `forget` deletes only the record
   * (DELETE ?mode=force; the servers keep running), `factory-reset` wipes and unregisters every
   * member. @default "retain"
   */
  readonly deletionPolicy?: DeletionPolicy;
  /**
   * Let a change of a creation-only input (server type, services or application config, template
   * and values) re-create the cluster: its deletion policy runs, then it is created again. Without
   * it such a change fails the plan. @default false
   */
  readonly allowRecreate?: boolean;
}

const REMOVED_PROPS: Record<string, string> = {
  ownerId: "the provider keeps which clusters a stack manages in Terraform state; set nothing",
};

/**
 * An Incus cluster provisioned by Operations Center, one-off or from a template: one
 * `operationscenter_cluster` resource, named after the construct path below the stack. Its
 * `adoption_key` is the construct path (stack name first), so any checkout of the app (a CI
 * runner without `.terraform/`) adopts the cluster an interrupted create of it left, and another
 * app's or stack's cluster of the same name is refused; `terraform destroy`, even with an empty
 * state, fails while such a cluster exists (the README's "Import and interruption").
 */
export class Cluster extends Construct implements IManagedCluster {
  /**
   * A cluster that exists in Operations Center and is not managed by this app, read through the
   * `operationscenter_cluster` data source.
   */
  static fromClusterName(scope: Construct, id: string, name: string): ICluster {
    return new ClusterReference(scope, id, name);
  }

  readonly name: string;
  /** What destroy does to the cluster; its bulk constructs follow it (see ICluster). */
  readonly deletionPolicy: DeletionPolicy;
  /** The L1 resource. */
  readonly resource: ClusterResource;

  constructor(scope: Construct, id: string, props: ClusterProps) {
    super(scope, id);
    const where = `Cluster '${this.node.path}'`;
    for (const [prop, why] of Object.entries(REMOVED_PROPS)) {
      if (prop in props) throw synthError(where, [`${prop} is no longer supported: ${why}`]);
    }
    const oc = OperationsCenter.of(this);
    this.name = checkObjectName("Cluster", this.node.path, props.name);
    const servers = checkServers(where, props.servers);
    const serverType = props.serverType ?? "incus";
    const typeProblem = serverTypeProblem("serverType", String(serverType));
    failOn(where, [typeProblem]);
    const deletionPolicy = props.deletionPolicy ?? DEFAULT_DELETION_POLICY;
    const policyProblem = deletionPolicyProblem("deletionPolicy", String(deletionPolicy));
    failOn(where, [policyProblem]);
    this.deletionPolicy = deletionPolicy;
    const properties = checkProperties(where, props.properties);
    const rollingRestart = checkRollingRestart(where, props.config);
    const connectionUrl = checkConnectionUrl(where, props.connectionUrl);
    if (!Token.isUnresolved(this.name)) oc.registerCluster(this.name, this.node.path);

    const resourceName = terraformName(this);
    oc.claimTerraformName(resourceName, this.node.path);
    const inputs = creationInputs(where, this.node.path, props);
    const secrets = Object.fromEntries(Object.entries(inputs.secrets).filter(([, v]) => Object.keys(v).length > 0));

    this.resource = new ClusterResource(this, "resource", {
      provider: oc.provider,
      name: literal(this.name),
      servers,
      exclusiveMembers: props.exclusiveMembers,
      copyServicesConfigOnAdd: props.copyServicesConfigOnAdd,
      connectionUrl: connectionUrl === undefined ? undefined : literal(connectionUrl),
      channel: props.channel === undefined ? undefined : literal(props.channel),
      description: props.description === undefined ? undefined : literal(props.description),
      properties: properties === undefined ? undefined : literalMap(properties),
      rollingRestart,
      deletionPolicy,
      serverType,
      allowRecreate: props.allowRecreate,
      // The construct path (stack name first) names this resource in any checkout of the app, so
      // a CI runner without .terraform/ still adopts the cluster an interrupted create of it left.
      adoptionKey: literal(this.node.path),
      ...inputs.attributes,
      secretsWo: Object.keys(secrets).length > 0 ? oc.secretInput(resourceName, `${JSON.stringify(secrets)}\n`) : undefined,
      dependsOn: inputs.template !== undefined ? [inputs.template.resource] : undefined,
    });
    this.resource.overrideLogicalId(resourceName);
  }

  /** The ClusterCertificate of this cluster, when the app has one (it registers itself). */
  private replacedCertificate?: { readonly certificate: string; readonly fingerprint: string };

  /**
   * Called by ClusterCertificate: `certificate` and `fingerprint` then carry the certificate that
   * resource puts in place, which is the live one after the apply (the cluster resource's own
   * attributes hold the certificate it was created with until a later refresh).
   * @internal Called by ClusterCertificate; not part of the public API.
   */
  useCertificate(replaced: { readonly certificate: string; readonly fingerprint: string }): void {
    this.replacedCertificate = replaced;
  }

  /** The cluster certificate (PEM), known after the cluster exists; the ClusterCertificate's when there is one. */
  get certificate(): string {
    return Lazy.stringValue({ produce: () => (this.replacedCertificate ?? this.resource).certificate });
  }

  /** The SHA-256 fingerprint of the cluster certificate; the ClusterCertificate's when there is one. */
  get fingerprint(): string {
    return Lazy.stringValue({ produce: () => (this.replacedCertificate ?? this.resource).fingerprint });
  }

  /** `pending` while Operations Center creates it, then `ready`. */
  get status(): string {
    return this.resource.status;
  }

  /**
   * Adopts an existing cluster into this resource on the next plan (an `import` block), instead
   * of creating it. Its creation inputs are not compared (Operations Center does not keep them).
   * @param name the cluster's name in Operations Center @default this cluster's name
   */
  importFrom(name: string = this.name): void {
    this.resource.importFrom(literal(name), OperationsCenter.of(this).provider);
  }

  /**
   * VLAN tags on an interface or bond of every member (a ClusterVlanTags); calls for the same
   * interface merge into one resource.
   */
  addVlanTags(interfaceName: string, vlanTags: number[]): ClusterVlanTags {
    return new ClusterVlanTags(
      this,
      this.bulkId(`vlan-tags-${namePart(interfaceName)}-${vlanTags.map(namePart).join("-")}`, `VLAN tags ${vlanTags.join(", ")} on "${interfaceName}"`),
      { cluster: this, interfaceName, vlanTags },
    );
  }

  /** An iSCSI target on every member (a ClusterIscsiTarget). */
  addIscsiTarget(target: string, address: string, port?: number): ClusterIscsiTarget {
    return new ClusterIscsiTarget(
      this,
      this.bulkId(`iscsi-${namePart(target)}-${namePart(address)}-${port ?? "default"}`, `iSCSI target "${target}" at ${address}`),
      { cluster: this, target, address, port },
    );
  }

  /** An NVMe over Fabrics target on every member (a ClusterNvmeTarget). */
  addNvmeTarget(transport: "tcp" | "fc", address: string, port?: number): ClusterNvmeTarget {
    return new ClusterNvmeTarget(this, this.bulkId(`nvme-${transport}-${namePart(address)}-${port ?? "default"}`, `NVMe target ${transport} ${address}`), {
      cluster: this,
      transport,
      address,
      port,
    });
  }

  /** A multipath WWN on every member (a ClusterMultipathTarget). */
  addMultipathTarget(wwn: string): ClusterMultipathTarget {
    return new ClusterMultipathTarget(this, this.bulkId(`multipath-${namePart(wwn)}`, `multipath WWN ${wwn}`), { cluster: this, wwn });
  }

  /** A non-primary IncusOS application on every member (a ClusterApplication). */
  addApplication(name: ClusterApplicationName): ClusterApplication {
    return new ClusterApplication(this, this.bulkId(`application-${namePart(name)}`, `application "${name}"`), { cluster: this, name });
  }

  /** The kernel config of every member (a ClusterKernelConfig); one per cluster. */
  addKernelConfig(config: KernelConfig): ClusterKernelConfig {
    return new ClusterKernelConfig(this, this.bulkId("kernel-config", "the kernel config"), { cluster: this, config });
  }

  /** The logging config of every member (a ClusterLoggingConfig); one per cluster. */
  addLoggingConfig(config: LoggingConfig): ClusterLoggingConfig {
    return new ClusterLoggingConfig(this, this.bulkId("logging-config", "the logging config"), { cluster: this, config });
  }

  /** The members() construct and the connection it was created with. */
  private membersData?: { readonly construct: IncusClusterMembers; readonly connection: string };

  /**
   * The members of this cluster as its Incus reports them (`incus cluster list`): name, URL,
   * roles, architecture, failure domain, description, status, message and groups. The first call
   * creates one IncusClusterMembers (one `operationscenter_incus_cluster_members` data source)
   * below this construct; later calls return the same one. Its `cluster` references this
   * cluster's resource, so Terraform reads it after the cluster exists with its servers joined;
   * while the cluster is being created or changed in the same apply, the members are known only
   * after the apply.
   * @param connection how to reach the cluster's Incus API @default a remote named after the
   *   cluster, else its connection URL in Operations Center; a later call must give the same
   */
  members(connection: IncusConnectionProps = {}): IncusClusterMembers {
    const key = JSON.stringify(
      Object.entries(connection)
        .filter(([, value]) => value !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : 1)),
    );
    if (this.membersData === undefined) {
      this.membersData = { construct: new IncusClusterMembers(this, "members", { cluster: this, ...connection }), connection: key };
    } else if (this.membersData.connection !== key) {
      throw synthError(`Cluster '${this.node.path}'`, [
        "members() was first called with another Incus connection; give the same props on every call (one data source per cluster)",
      ]);
    }
    return this.membersData.construct;
  }

  /** The id of an add* helper's construct; the same declaration twice names both paths. */
  private bulkId(id: string, what: string): string {
    const existing = this.node.tryFindChild(id);
    if (existing !== undefined) {
      throw synthError(`Cluster '${this.node.path}'`, [`${what} of cluster "${this.name}" is already declared by '${existing.node.path}'. Declare it once`]);
    }
    return id;
  }
}

function checkServers(where: string, servers: unknown): string[] {
  if (Token.isUnresolved(servers)) return servers as string[];
  if (!Array.isArray(servers) || servers.some((server) => typeof server !== "string")) {
    throw synthError(where, [`servers must be a list of server names, got ${JSON.stringify(servers)}`]);
  }
  // Tokens are checked by the provider at plan, once known.
  const resolved = (servers as string[]).filter((server) => !Token.isUnresolved(server));
  const problem = servers.length > 0 && resolved.length === 0 ? undefined : serversProblem("servers", resolved);
  failOn(where, [problem]);
  return literalList(servers as string[]);
}

function checkProperties(where: string, properties: Record<string, string> | undefined): Record<string, string> | undefined {
  if (properties === undefined || Token.isUnresolved(properties)) return properties;
  for (const [key, value] of Object.entries(properties)) {
    const reserved = reservedPropertyProblem(key);
    failOn(where, [reserved]);
    if (typeof value !== "string") {
      throw synthError(where, [`property "${key}" must be a string, got ${JSON.stringify(value)}; Operations Center stores properties as strings`]);
    }
  }
  return { ...properties };
}

function checkRollingRestart(where: string, config: ClusterProps["config"]) {
  if (config?.rollingRestart === undefined) return undefined;
  const delay = config.rollingRestart.postRestoreDelay ?? "";
  const mode = config.rollingRestart.restoreMode ?? "";
  const problem =
    (Token.isUnresolved(delay) ? undefined : postRestoreDelayProblem("config.rollingRestart.postRestoreDelay", delay)) ??
    (Token.isUnresolved(mode) ? undefined : restoreModeProblem("config.rollingRestart.restoreMode", String(mode)));
  failOn(where, [problem]);
  return { postRestoreDelay: delay, restoreMode: mode };
}

function checkConnectionUrl(where: string, url: string | undefined): string | undefined {
  if (url === undefined || url === "" || Token.isUnresolved(url)) return url;
  const problem = connectionUrlProblem("connectionUrl", url);
  if (problem !== undefined) throw synthError(where, [`${problem.problem}; ${problem.fix}`]);
  return url;
}

interface CreationInputs {
  template?: ClusterTemplate;
  attributes: {
    servicesConfig?: string;
    applicationConfig?: string;
    template?: string;
    templateVariables?: Record<string, string>;
  };
  secrets: { services_config: JsonObject; application_config: JsonObject; template_variables: JsonObject };
}

function creationInputs(where: string, constructPath: string, props: ClusterProps): CreationInputs {
  if (props.template !== undefined) {
    if (props.servicesConfig !== undefined || props.applicationConfig !== undefined) {
      throw synthError(where, [
        "give either template (template-based clustering) or servicesConfig/applicationConfig (one-off clustering), not both; the server ignores the configs when a template is named",
      ]);
    }
    const values = withConfigErrors(where, () => loadConfig(templateValuesSchema, props.templateVariables ?? {}, { label: "templateVariables" }).value);
    const template = typeof props.template === "string" ? undefined : props.template;
    const templateName = typeof props.template === "string" ? checkObjectName("Cluster", constructPath, props.template, "template") : props.template.name;
    template?.render(`${where} (template "${templateName}")`, values);
    // A template of this app tells which values land in secret fields; the values for a template
    // named only are all kept secret (the provider checks them against the live template at plan).
    const secretNames = secretTemplateValueNames(
      values,
      template === undefined ? undefined : { servicesTemplate: template.servicesTemplate, applicationTemplate: template.applicationTemplate },
    );
    const publicValues = Object.fromEntries(Object.entries(values).filter(([k]) => !secretNames.has(k)));
    const secretValues = Object.fromEntries(Object.entries(values).filter(([k]) => secretNames.has(k)));
    return {
      template,
      attributes: { template: literal(templateName), templateVariables: literalMap(publicValues) },
      secrets: { services_config: {}, application_config: {}, template_variables: secretValues },
    };
  }
  if (props.templateVariables !== undefined) {
    throw synthError(where, [`templateVariables is set but no template; name the template, or drop templateVariables`]);
  }
  const servicesConfig: ServicesConfig = withConfigErrors(
    where,
    () => loadConfig(servicesConfigSchema, props.servicesConfig ?? {}, { label: "servicesConfig" }).value,
  );
  const applicationConfig: ApplicationConfig = withConfigErrors(
    where,
    () => loadConfig(applicationConfigSchema, props.applicationConfig ?? {}, { label: "applicationConfig" }).value,
  );
  const services = splitSecrets("services", servicesConfig as JsonObject);
  const application = splitSecrets("application", applicationConfig as JsonObject);
  return {
    attributes: {
      servicesConfig: literal(JSON.stringify(services.public)),
      applicationConfig: literal(JSON.stringify(application.public)),
    },
    secrets: { services_config: services.secrets, application_config: application.secrets, template_variables: {} },
  };
}
