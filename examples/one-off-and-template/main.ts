// Example app: one cluster provisioned one-off, one from a cluster template with a values file.
//   cdktf synth && cdktf deploy         (against the remote of your operations-center CLI)
//   npm run demo                        (against a local Operations Center)
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { App, LocalBackend, TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
// In your own app: import { Cluster, ClusterTemplate, OperationsCenter } from "cdktf-operations-center";
import { Cluster, ClusterTemplate, OperationsCenter } from "../../constructs/index.js";

/** Config files sit beside this example's source, two levels up from its compiled file in dist/. */
const here = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../examples/one-off-and-template");
const file = (name: string) => path.relative(process.cwd(), path.join(here, name));

export class ClustersStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new LocalBackend(this, { path: "terraform.tfstate" });
    new OperationsCenter(this, "oc");

    const edge = new Cluster(this, "edge", {
      name: "edge",
      servers: ["server01", "server02", "server03"],
      connectionUrl: "https://edge.example.net:8443",
      description: "Edge cluster, one-off",
      properties: { team: "platform" },
      servicesConfig: file("services.yaml"),
      applicationConfig: file("application.yaml"),
      deletionPolicy: "forget",
    });
    // Computed by Operations Center at creation; other resources and providers can use it.
    new TerraformOutput(this, "edge_fingerprint", { value: edge.fingerprint });

    const rackTemplate = new ClusterTemplate(this, "rack", {
      name: "rack",
      description: "A rack with shared LVM over iSCSI",
      servicesConfig: file("template-services.yaml"),
      applicationConfig: file("template-application.yaml"),
      variables: file("template-variables.yaml"),
    });

    new Cluster(this, "rack2", {
      name: "rack2",
      servers: ["server04", "server05"],
      template: rackTemplate,
      templateVariables: file("rack2-values.yaml"),
      deletionPolicy: "forget",
    });
  }
}

export function buildApp(outdir?: string): App {
  const app = new App(outdir === undefined ? {} : { outdir });
  new ClustersStack(app, "clusters");
  return app;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  buildApp().synth();
}
