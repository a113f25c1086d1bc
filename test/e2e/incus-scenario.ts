// The CDKTF app of the Incus cluster end-to-end tests: a three-member cluster with its Incus
// settings, a member with a role and a failure domain, a gpu group, an evacuable member, a
// placement scriptlet and the cluster certificate. Each step synthesizes it with what the step
// changes. The cluster's application config lists the client certificate the provider presents,
// so that the cluster trusts it, as a user trusts their incus client on a real cluster.
import * as path from "node:path";
import { App, LocalBackend, TerraformOutput, TerraformStack, TerraformVariable } from "cdktf";
import { Cluster, ClusterCertificate, IncusClusterGroup, IncusClusterMember, IncusClusterSettings, OperationsCenter } from "../../constructs/index.js";

export const INCUS_STACK = "incus";
export const CLUSTER = "lab";

export const SCRIPTLET_V1 = `def instance_placement(request, candidate_members):
    log_info("placing ", request.name)
    return
`;
export const SCRIPTLET_V2 = `def pick(members):
    return members[0].server_name

def instance_placement(request, candidate_members):
    if request.config.get("user.gpu") == "true":
        set_target(pick(candidate_members))
    return
`;

export interface IncusScenarioConfig {
  maxVoters?: number;
  server03?: "online" | "evacuated";
  scriptlet?: string;
  /** The cluster certificate (PEM); its key comes from the variable cluster_key (TF_VAR_cluster_key). */
  certificate?: string;
  /** The settings' deletionPolicy (default: from the cluster's forget, retain). */
  settingsDeletionPolicy?: "remove" | "retain";
  /** true reads the members with cluster.members() (an IncusClusterMembers), into the outputs member_names, members and first_member_status. */
  membersData?: boolean;
  /** false drops every Incus construct (settings, group, members). */
  incus?: boolean;
  /** false drops the settings construct. */
  settings?: boolean;
  /** false drops the three member constructs. */
  members?: boolean;
  /** false drops the gpu group construct. */
  gpu?: boolean;
  /** The cluster's name (default CLUSTER): another name is the cluster's rename. */
  name?: string;
  /** Members of the gpu group (default server02, server03). */
  gpuMembers?: string[];
  /** A client certificate (PEM) the cluster trusts: its application config's `certificates`. */
  clientCertificate?: string;
}

export function synthIncusScenario(outdir: string, config: IncusScenarioConfig): string {
  const app = new App({ outdir, skipValidation: true });
  const stack = new TerraformStack(app, INCUS_STACK);
  new LocalBackend(stack, { path: "terraform.tfstate" });
  new OperationsCenter(stack, "oc", { evacuationTimeout: 60 });
  const cluster = new Cluster(stack, "lab", {
    name: config.name ?? CLUSTER,
    servers: ["server01", "server02", "server03"],
    deletionPolicy: "forget",
    ...(config.clientCertificate === undefined
      ? {}
      : { applicationConfig: { certificates: [{ type: "client", name: "terraform", certificate: config.clientCertificate }] } }),
  });
  if (config.settings !== false && config.incus !== false) {
    new IncusClusterSettings(stack, "settings", {
      cluster,
      config: { "cluster.max_voters": config.maxVoters ?? 5, "cluster.healing_threshold": 30 },
      ...(config.scriptlet === undefined ? {} : { placementScriptlet: config.scriptlet }),
      ...(config.settingsDeletionPolicy === undefined ? {} : { deletionPolicy: config.settingsDeletionPolicy }),
    });
  }
  if (config.incus !== false && config.gpu !== false)
    new IncusClusterGroup(stack, "gpu", { cluster, name: "gpu", description: "GPU servers", members: config.gpuMembers ?? ["server02", "server03"] });
  if (config.members !== false && config.incus !== false) {
    new IncusClusterMember(stack, "server01", { cluster, member: "server01", roles: ["event-hub"], failureDomain: "rack1" });
    new IncusClusterMember(stack, "server02", { cluster, member: "server02", schedulerInstance: "group" });
    new IncusClusterMember(stack, "server03", { cluster, member: "server03", state: config.server03 ?? "online", evacuationMode: "stop" });
  }
  if (config.certificate !== undefined) {
    const key = new TerraformVariable(stack, "cluster_key", { type: "string", sensitive: true });
    // Ephemeral (Terraform 1.10+; cdktf has no prop for it): its value is kept out of the plan file too.
    key.addOverride("ephemeral", true);
    new ClusterCertificate(stack, "certificate", { cluster, certificate: config.certificate, privateKey: key.stringValue });
  }
  if (config.membersData === true) {
    const members = cluster.members();
    new TerraformOutput(stack, "member_names", { value: members.names });
    new TerraformOutput(stack, "members", { value: members.members });
    new TerraformOutput(stack, "first_member_status", { value: members.field(0, "status") });
  }
  new TerraformOutput(stack, "cluster_fingerprint", { value: cluster.fingerprint });
  new TerraformOutput(stack, "cluster_certificate", { value: cluster.certificate });
  app.synth();
  return path.join(outdir, "stacks", INCUS_STACK);
}
