// How an Incus resource reaches its cluster's own API, in this order:
//   1. the incus CLI configuration (INCUS_CONF, else ~/.config/incus): the remote named by the
//      resource's `remote`, else a remote named after the cluster, with client.crt / client.key
//      and the pinned servercerts/<remote>.crt;
//   2. the cluster's connection URL and certificate as Operations Center records them, with the
//      client.crt / client.key of that same directory (a certificate the cluster trusts, e.g. one
//      given in the application config's `certificates` at creation).
// One client per cluster and remote for the provider process.
import { IncusClient, incusClientCertificate, incusConfigDir, incusRemote, type IncusConnection } from "../../../client/incus-client.js";
import type { RequestEvent } from "../../../client/client.js";
import { logCalls } from "../../calls.js";
import type { ProviderClient } from "../../client.js";
import { DiagnosticError, type Attribute, type Logger, type ObjectValue } from "../../plugin/types.js";
import { apiStep, knownString } from "../values.js";

interface Cached {
  client: Promise<IncusClient>;
  log: Logger;
}
const clients = new WeakMap<ProviderClient, Map<string, Cached>>();

export const clusterAttribute: Attribute = { type: "string", required: true, description: "Name of the cluster in Operations Center. A change replaces the resource." };
export const remoteAttribute: Attribute = {
  type: "string",
  optional: true,
  description:
    "Remote of the incus CLI configuration (INCUS_CONF or ~/.config/incus, config.yml with client.crt / client.key) to reach the cluster at. Default: a remote named after the cluster, else the cluster's connection URL from Operations Center with that directory's client certificate.",
};

/** The Incus client for the cluster and remote of a resource's values. */
export function incusFor(client: ProviderClient, values: ObjectValue, log: Logger): Promise<IncusClient> {
  const cluster = knownString(values.cluster);
  if (cluster === undefined) throw new DiagnosticError({ severity: "error", summary: "The cluster name is not known yet", path: ["cluster"] });
  const remote = knownString(values.remote);
  const key = `${cluster}\0${remote ?? ""}`;
  const byKey = clients.get(client) ?? new Map<string, Cached>();
  clients.set(client, byKey);
  const cached = byKey.get(key);
  if (cached !== undefined) {
    cached.log = log;
    return cached.client;
  }
  // The log of the latest call: calls of later resources are logged to theirs.
  const onRequest = (event: RequestEvent) => logCalls(entry.log)(event);
  const entry: Cached = { log, client: connect(client, cluster, remote).then((connection) => new IncusClient(connection, { onRequest })) };
  entry.client.catch(() => byKey.delete(key));
  byKey.set(key, entry);
  return entry.client;
}

async function connect(client: ProviderClient, cluster: string, remote: string | undefined): Promise<IncusConnection> {
  const dir = incusConfigDir(process.env);
  const configured = (() => {
    try {
      return incusRemote(dir, remote ?? cluster);
    } catch (error) {
      throw new DiagnosticError({ severity: "error", summary: `Cannot use the incus CLI configuration for cluster "${cluster}"`, detail: (error as Error).message, path: ["remote"] });
    }
  })();
  if (configured !== undefined) return configured;
  if (remote !== undefined) {
    throw new DiagnosticError({
      severity: "error",
      summary: `Remote "${remote}" is not in ${dir}/config.yml`,
      detail: "Add it (incus remote add), set INCUS_CONF to the directory that has it, or leave remote unset to use the cluster's connection URL from Operations Center.",
      path: ["remote"],
    });
  }
  const found = await apiStep(`Cannot read cluster "${cluster}" from Operations Center`, () => client.api.findCluster(cluster));
  if (found === undefined) throw new DiagnosticError({ severity: "error", summary: `Cluster "${cluster}" does not exist in Operations Center at ${client.api.url}`, path: ["cluster"] });
  const url = found.cluster.connection_url;
  const certificate = incusClientCertificate(dir);
  if (url === "" || certificate === undefined) {
    throw new DiagnosticError({
      severity: "error",
      summary: `No way to reach the Incus API of cluster "${cluster}"`,
      detail:
        (url === "" ? "Operations Center records no connection URL for it. " : "") +
        (certificate === undefined ? `${dir} has no client.crt / client.key. ` : "") +
        `Add a remote named "${cluster}" to the incus CLI configuration (INCUS_CONF or ~/.config/incus) with a client certificate the cluster trusts ` +
        "(e.g. given in the application config's certificates at creation), or set remote on this resource.",
      path: ["cluster"],
    });
  }
  return {
    url,
    ...(found.cluster.certificate === "" ? {} : { serverCertificate: found.cluster.certificate }),
    clientCertificate: certificate.certificate,
    clientKey: certificate.key,
  };
}
