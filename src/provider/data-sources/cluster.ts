// operationscenter_cluster (data source): one cluster as Operations Center reports it, with its
// members, for clusters this configuration does not manage (or to feed another provider).
import type { ProviderClient } from "../client.js";
import { DiagnosticError, type DataSource } from "../plugin/types.js";
import { objectNameProblem } from "../../config/object-name.js";
import { apiStep, knownString } from "../resources/values.js";

export const clusterDataSource: DataSource<ProviderClient> = {
  typeName: "operationscenter_cluster",
  schema: {
    version: 0,
    block: {
      description: "An existing Operations Center cluster, read by name.",
      attributes: {
        name: { type: "string", required: true, description: "The cluster name (case-sensitive)." },
        id: { type: "string", computed: true, description: "The cluster name." },
        certificate: { type: "string", computed: true, description: 'The cluster certificate (PEM), "" while the cluster is pending.' },
        fingerprint: { type: "string", computed: true, description: "The SHA-256 fingerprint of the cluster certificate." },
        status: { type: "string", computed: true, description: "unknown, pending or ready." },
        channel: { type: "string", computed: true, description: "The update channel of the cluster." },
        connection_url: { type: "string", computed: true, description: "The user-facing URL of the cluster." },
        description: { type: "string", computed: true, description: "The cluster description." },
        properties: { type: ["map", "string"], computed: true, description: "Every property of the cluster." },
        members: { type: ["list", "string"], computed: true, description: "The names of the member servers, sorted." },
      },
    },
  },

  validate({ config }) {
    const name = knownString(config.name);
    const problem = name === undefined ? undefined : objectNameProblem("cluster", name);
    return problem === undefined ? [] : [{ severity: "error", summary: `name: ${problem}`, path: ["name"] }];
  },

  async read(config, { client }) {
    const name = knownString(config.name);
    if (name === undefined) throw new DiagnosticError({ severity: "error", summary: "The cluster name is unknown", path: ["name"] });
    const api = client.api;
    const found = await apiStep(`Cannot read cluster "${name}"`, () => api.findCluster(name), ["name"]);
    if (found === undefined) {
      throw new DiagnosticError({
        severity: "error",
        summary: `Cluster "${name}" does not exist in Operations Center at ${api.url}`,
        detail: "Names are case-sensitive; list the existing clusters with: operations-center provisioning cluster list",
        path: ["name"],
      });
    }
    const members = await apiStep(`Cannot list the members of cluster "${name}"`, () => api.listServers({ cluster: name }));
    const cluster = found.cluster;
    return {
      state: {
        name,
        id: cluster.name,
        certificate: cluster.certificate,
        fingerprint: cluster.fingerprint,
        status: cluster.status,
        channel: cluster.channel,
        connection_url: cluster.connection_url,
        description: cluster.description,
        properties: { ...cluster.properties },
        members: members.map((s) => s.name).sort(),
      },
    };
  },
};
