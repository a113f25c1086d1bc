// Example app: a small fleet in two stacks, as a team splits it so that each plan stays reviewable.
//   stack "sites": cluster site1 from the cluster template "site", with VLAN tags, an iSCSI target
//                  and a kernel config on every member;
//   stack "lab":   one-off cluster lab, with an application, and Incus settings (cluster.max_voters,
//                  a member's role and failure domain) applied through the cluster's own Incus API.
//
//   cdktf synth && cdktf deploy '*'     (against the remote of your operations-center CLI)
//   npm run demo                        (against a local Operations Center, local state)
//
// State: with PG_CONN_STR set at synth, each stack keeps its state in PostgreSQL (cdktf's
// PgBackend, one schema per stack, locked while a plan or apply runs); otherwise in a local
// terraform.tfstate. The connection string is not written into cdk.tf.json: Terraform reads
// PG_CONN_STR itself at `terraform init` and on every run, so the password stays in the environment.
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { App, LocalBackend, PgBackend, TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
// In your own app: import { … } from "cdktf-operations-center";
import {
  Cluster,
  ClusterApplication,
  ClusterIscsiTarget,
  ClusterKernelConfig,
  ClusterTemplate,
  ClusterVlanTags,
  IncusClusterMember,
  IncusClusterSettings,
  OperationsCenter,
  type KernelConfig,
} from "../../constructs/index.js";

/** Config files sit beside this example's source, two levels up from its compiled file in dist/. */
const here = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../examples/fleet");
const file = (name: string) => path.relative(process.cwd(), path.join(here, name));

/** What the fleet should be: the demo edits it as a team edits the code. */
export interface Fleet {
  site1: {
    servers: string[];
    /** VLAN tags every member carries on eth0. */
    vlanTags: number[];
    kernel: KernelConfig;
  };
  lab: {
    servers: string[];
    /** The PEM certificate of the incus client that Terraform uses: the cluster trusts it from creation. */
    trustedClient: string;
    maxVoters: number;
    /** The member that hosts the event hub, and its failure domain. */
    eventHub: { member: string; failureDomain: string };
  };
}

export const FLEET_STACKS = ["sites", "lab"] as const;

/** Local state, or PostgreSQL when PG_CONN_STR is set (conn_str left empty: Terraform reads the variable). */
function stateBackend(stack: TerraformStack, name: string, env: NodeJS.ProcessEnv): void {
  if (env.PG_CONN_STR !== undefined && env.PG_CONN_STR !== "") new PgBackend(stack, { connStr: "", schemaName: `oc_fleet_${name}` });
  else new LocalBackend(stack, { path: "terraform.tfstate" });
}

class SitesStack extends TerraformStack {
  constructor(scope: Construct, id: string, fleet: Fleet, env: NodeJS.ProcessEnv) {
    super(scope, id);
    stateBackend(this, id, env);
    new OperationsCenter(this, "oc");
    const template = new ClusterTemplate(this, "site", {
      name: "site",
      description: "A site: LVM over NVMe/TCP",
      servicesConfig: file("site-services.yaml"),
      applicationConfig: file("site-application.yaml"),
      variables: file("site-variables.yaml"),
    });
    const site1 = new Cluster(this, "site1", {
      name: "site1",
      servers: fleet.site1.servers,
      template,
      templateVariables: file("site1-values.yaml"),
      deletionPolicy: "forget",
    });
    new ClusterVlanTags(this, "tenants", { cluster: site1, interfaceName: "eth0", vlanTags: fleet.site1.vlanTags });
    new ClusterIscsiTarget(this, "san", { cluster: site1, target: "iqn.2004-10.org.example:san1", address: "192.0.2.50" });
    new ClusterKernelConfig(this, "kernel", { cluster: site1, config: fleet.site1.kernel });
    new TerraformOutput(this, "site1_fingerprint", { value: site1.fingerprint });
  }
}

class LabStack extends TerraformStack {
  constructor(scope: Construct, id: string, fleet: Fleet, env: NodeJS.ProcessEnv) {
    super(scope, id);
    stateBackend(this, id, env);
    new OperationsCenter(this, "oc");
    const lab = new Cluster(this, "lab", {
      name: "lab",
      servers: fleet.lab.servers,
      description: "Lab, one-off",
      servicesConfig: { lvm: { enabled: true } },
      // The Incus resources below reach the cluster with this client (the incus CLI configuration's).
      applicationConfig: { certificates: [{ type: "client", name: "terraform", certificate: fleet.lab.trustedClient }] },
      deletionPolicy: "factory-reset",
    });
    new ClusterApplication(this, "debug", { cluster: lab, name: "debug" });
    new IncusClusterSettings(this, "settings", { cluster: lab, config: { "cluster.max_voters": fleet.lab.maxVoters } });
    new IncusClusterMember(this, "event-hub", {
      cluster: lab,
      member: fleet.lab.eventHub.member,
      roles: ["event-hub"],
      failureDomain: fleet.lab.eventHub.failureDomain,
    });
  }
}

export function buildApp(fleet: Fleet, options: { outdir?: string; env?: NodeJS.ProcessEnv } = {}): App {
  const app = new App(options.outdir === undefined ? {} : { outdir: options.outdir });
  const env = options.env ?? process.env;
  new SitesStack(app, "sites", fleet, env);
  new LabStack(app, "lab", fleet, env);
  return app;
}

/** The incus CLI's client certificate (INCUS_CONF, else ~/.config/incus), which the lab trusts. */
export function incusClientCertificate(env: NodeJS.ProcessEnv): string {
  const crt = path.join(env.INCUS_CONF || path.join(homedir(), ".config", "incus"), "client.crt");
  try {
    return readFileSync(crt, "utf8");
  } catch (err) {
    const reason = err instanceof Error && "code" in err ? String(err.code) : "unreadable";
    throw new Error(
      `examples/fleet: the lab trusts the incus client certificate ${crt}, which cannot be read (${reason}): create it with \`incus remote generate-certificate\`, or set INCUS_CONF to the incus configuration directory`,
    );
  }
}

export function defaultFleet(trustedClient: string): Fleet {
  return {
    site1: { servers: ["server01", "server02", "server03"], vlanTags: [100, 200], kernel: { blacklist_modules: ["nouveau"] } },
    lab: { servers: ["server04", "server05", "server06"], trustedClient, maxVoters: 3, eventHub: { member: "server04", failureDomain: "rack1" } },
  };
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  buildApp(defaultFleet(incusClientCertificate(process.env))).synth();
}
