// How an Incus resource reaches its cluster's own API, in this order:
//   0. the resource's explicit incus_address (with incus_client_certificate / incus_client_key_file,
//      else the CLI configuration's client certificate, and incus_server_certificate to pin);
//   1. the incus CLI configuration, found as incus finds it (INCUS_CONF, else os.UserConfigDir()/incus,
//      else a legacy ~/.config/incus incus has not moved yet): the remote named by the resource's
//      `remote`, else a remote named after the cluster, with its clientcerts/<remote>.crt / .key or
//      else client.crt / client.key, the pinned servercerts/<remote>.crt, and each address of a
//      comma-separated addr tried in turn;
//   2. the cluster's connection URL and certificate as Operations Center records them, with the
//      client.crt / client.key of that same directory (a certificate the cluster trusts, e.g. one
//      given in the application config's `certificates` at creation).
// The pin of paths 1 and 2 follows the cluster: when the cluster refuses it (its certificate was
// replaced during the apply), the certificate Operations Center records is pinned instead and the
// request made once more (recordedCertificate).
// The explicit client certificate and key, when given, are used on any of these paths. The key is
// named by its file only, so that it never sits in plan or state. One client per cluster and
// connection settings for the provider process.
import { MAX_FILE_BYTES, readUserFile, userFileProblem } from "../../../config/input-limits.js";
import { IncusClient, incusClientCertificate, incusConfigDir, incusRemote, type IncusConnection } from "../../../client/incus-client.js";
import type { RequestEvent } from "../../../client/transport.js";
import { logCalls } from "../../calls.js";
import type { ProviderClient } from "../../client.js";
import { DiagnosticError, type Attribute, type Diagnostic, type Logger, type ObjectValue } from "../../plugin/types.js";
import { clusterChange, clusterExists, renameNote } from "../common/cluster-reference.js";
import { apiStep, knownString } from "../values.js";

interface Cached {
  client: Promise<IncusClient>;
  log: Logger;
}
const clients = new WeakMap<ProviderClient, Map<string, Cached>>();

/** The cluster and how to reach its Incus API: the first attributes of every Incus resource. */
export const connectionAttributes: { readonly [name: string]: Attribute } = {
  cluster: {
    type: "string",
    required: true,
    description:
      "Name of the cluster in Operations Center. The cluster's rename is an in-place change with no Incus call; a move to another existing cluster replaces the resource. " +
      "When the cluster no longer exists in Operations Center, the resource leaves the state and is planned for creation with it.",
  },
  remote: {
    type: "string",
    optional: true,
    description:
      "Remote of the incus CLI configuration (INCUS_CONF, else the incus directory of the user configuration directory: $XDG_CONFIG_HOME/incus or ~/.config/incus, ~/Library/Application Support/incus on macOS; config.yml with clientcerts/<remote>.crt / .key or client.crt / client.key) to reach the cluster at; each address of a comma-separated addr is tried in turn. Default: a remote named after the cluster, else the cluster's connection URL from Operations Center with that directory's client certificate.",
  },
  incus_address: {
    type: "string",
    optional: true,
    description: "Address of the cluster's Incus API (e.g. https://192.0.2.101:8443), instead of a remote or the connection URL Operations Center records.",
  },
  incus_client_certificate: {
    type: "string",
    optional: true,
    description: "Client certificate the cluster trusts: PEM text or the path of a PEM file. Needs incus_client_key_file.",
  },
  incus_client_key_file: {
    type: "string",
    optional: true,
    description: "Path of the client certificate's key file (a path only, so that the key is never in plan or state).",
  },
  incus_server_certificate: { type: "string", optional: true, description: "The cluster certificate to pin: PEM text or the path of a PEM file." },
};

/** The connection attributes of an imported resource: none given (the CLI configuration or Operations Center decides). */
export const unsetConnection: ObjectValue = {
  remote: null,
  incus_address: null,
  incus_client_certificate: null,
  incus_client_key_file: null,
  incus_server_certificate: null,
};

const pemOrFile = (value: string, attribute: string): string => (value.includes("-----BEGIN ") ? value : readUserFile(value, attribute, MAX_FILE_BYTES.pem));

/** Plan-time checks of the explicit connection attributes; the key itself is never read into a message. */
export function connectionProblems(config: ObjectValue): Diagnostic[] {
  const out: Diagnostic[] = [];
  const given = (name: string) => config[name] !== null && config[name] !== undefined;
  const keyFile = knownString(config.incus_client_key_file);
  if (given("incus_client_certificate") !== given("incus_client_key_file")) {
    const missing = given("incus_client_certificate") ? "incus_client_key_file" : "incus_client_certificate";
    out.push({ severity: "error", summary: `${missing} is needed too: give incus_client_certificate and incus_client_key_file together`, path: [missing] });
  }
  if (keyFile?.includes("-----BEGIN ")) {
    out.push({
      severity: "error",
      summary: "incus_client_key_file must be the path of the key file, not the key",
      detail: "The key would otherwise be stored in plan and state. Write it to a file and give its path.",
      path: ["incus_client_key_file"],
    });
  } else if (keyFile !== undefined) {
    const problem = userFileProblem(keyFile, MAX_FILE_BYTES.pem);
    if (problem !== undefined)
      out.push({ severity: "error", summary: `incus_client_key_file: ${JSON.stringify(keyFile)} ${problem.reason}`, path: ["incus_client_key_file"] });
  }
  for (const name of ["incus_client_certificate", "incus_server_certificate"]) {
    const value = knownString(config[name]);
    if (value === undefined || value.includes("-----BEGIN ")) continue;
    const problem = userFileProblem(value, MAX_FILE_BYTES.pem);
    if (problem?.missing === true) out.push({ severity: "error", summary: `${name}: neither PEM text nor the path of an existing file`, path: [name] });
    else if (problem !== undefined) out.push({ severity: "error", summary: `${name}: ${JSON.stringify(value)} ${problem.reason}`, path: [name] });
  }
  const address = knownString(config.incus_address);
  if (address !== undefined && !/^https:\/\/[^/]+/.test(address))
    out.push({ severity: "error", summary: `incus_address: "${address}" is not an https:// address`, path: ["incus_address"] });
  return out;
}

/** The Incus client for the cluster and remote of a resource's values. */
export function incusFor(client: ProviderClient, values: ObjectValue, log: Logger): Promise<IncusClient> {
  const cluster = knownString(values.cluster);
  if (cluster === undefined) throw new DiagnosticError({ severity: "error", summary: "The cluster name is not known yet", path: ["cluster"] });
  const remote = knownString(values.remote);
  const explicit = {
    address: knownString(values.incus_address),
    certificate: knownString(values.incus_client_certificate),
    keyFile: knownString(values.incus_client_key_file),
    pinned: knownString(values.incus_server_certificate),
  };
  const key = JSON.stringify([cluster, remote, explicit]);
  const byKey = clients.get(client) ?? new Map<string, Cached>();
  clients.set(client, byKey);
  const cached = byKey.get(key);
  if (cached !== undefined) {
    cached.log = log;
    return cached.client;
  }
  // The log of the latest call: calls of later resources are logged to theirs.
  const onRequest = (event: RequestEvent) => logCalls(entry.log)(event);
  const entry: Cached = {
    log,
    client: connect(client, cluster, remote, explicit).then((connection) =>
      IncusClient.connect(connection, {
        onRequest,
        transport: client.transport,
        // A pin given on the resource stays as given (it names the certificate to expect).
        ...(explicit.pinned === undefined ? { currentServerCertificate: () => recordedCertificate(client, cluster, entry.log) } : {}),
      }),
    ),
  };
  entry.client.catch(() => byKey.delete(key));
  byKey.set(key, entry);
  return entry.client;
}

/** Closes the Incus clients made for `client` (a command that exits: the provider process never needs to). */
export async function closeIncusClients(client: ProviderClient): Promise<void> {
  const byKey = clients.get(client);
  clients.delete(client);
  await Promise.all([...(byKey?.values() ?? [])].map(async (entry) => (await entry.client.catch(() => undefined))?.close()));
}

interface Explicit {
  address: string | undefined;
  certificate: string | undefined;
  keyFile: string | undefined;
  pinned: string | undefined;
}

async function connect(client: ProviderClient, cluster: string, remote: string | undefined, explicit: Explicit): Promise<IncusConnection> {
  const found = await discover(client, cluster, remote, explicit.address);
  const certificate = explicit.certificate === undefined ? found.certificate : pemOrFile(explicit.certificate, "incus_client_certificate");
  const key = explicit.keyFile === undefined ? found.key : readUserFile(explicit.keyFile, "incus_client_key_file", MAX_FILE_BYTES.pem);
  const pinned = explicit.pinned === undefined ? found.pinned : pemOrFile(explicit.pinned, "incus_server_certificate");
  if (certificate === undefined || key === undefined) {
    throw new DiagnosticError({
      severity: "error",
      summary: `No client certificate for the Incus API of cluster "${cluster}"`,
      detail:
        `${found.dir} has no client.crt / client.key. Give incus_client_certificate and incus_client_key_file, or add a remote named "${cluster}" to that incus CLI configuration ` +
        "with a client certificate the cluster trusts (e.g. given in the application config's certificates at creation).",
      path: ["incus_client_certificate"],
    });
  }
  return { urls: found.urls, ...(pinned === undefined ? {} : { serverCertificate: pinned }), clientCertificate: certificate, clientKey: key };
}

/**
 * The cluster certificate Operations Center records now, asked when the cluster refused the
 * pinned one: a certificate replaced since the pin was read (by operationscenter_cluster_certificate
 * in the same apply, which runs in parallel with the Incus resources, or by anyone) is followed.
 * Operations Center is where the cluster certificate is replaced, and is itself authenticated,
 * so its record is trusted as the pin of path 2 is. Undefined when the cluster is gone or has none.
 */
async function recordedCertificate(client: ProviderClient, cluster: string, log: Logger): Promise<string | undefined> {
  const found = await client.api.findCluster(cluster);
  if (found === undefined || found.cluster.certificate === "") return undefined;
  log.warn(`oc-cdktf: cluster "${cluster}" refused the pinned Incus certificate; reading the certificate Operations Center records for it`, { cluster });
  return found.cluster.certificate;
}

/** The address (and what the CLI configuration has for it) from the attributes, the remote, or Operations Center. */
async function discover(
  client: ProviderClient,
  cluster: string,
  remote: string | undefined,
  address: string | undefined,
): Promise<{ dir: string; urls: readonly string[]; certificate?: string; key?: string; pinned?: string }> {
  const dir = incusConfigDir(process.env);
  const cli = incusClientCertificate(dir);
  const fromCli = cli === undefined ? {} : { certificate: cli.certificate, key: cli.key };
  if (address !== undefined) return { dir, urls: [address], ...fromCli };
  const configured = (() => {
    try {
      return incusRemote(dir, remote ?? cluster);
    } catch (error) {
      throw new DiagnosticError({
        severity: "error",
        summary: `Cannot use the incus CLI configuration for cluster "${cluster}"`,
        detail: (error as Error).message,
        path: ["remote"],
      });
    }
  })();
  if (configured !== undefined) {
    return {
      dir,
      urls: configured.urls,
      certificate: configured.clientCertificate,
      key: configured.clientKey,
      ...(configured.serverCertificate === undefined ? {} : { pinned: configured.serverCertificate }),
    };
  }
  if (remote !== undefined) {
    throw new DiagnosticError({
      severity: "error",
      summary: `Remote "${remote}" is not in ${dir}/config.yml`,
      detail:
        "Add it (incus remote add), set INCUS_CONF to the directory that has it, or leave remote unset to use the cluster's connection URL from Operations Center.",
      path: ["remote"],
    });
  }
  const found = await apiStep(`Cannot read cluster "${cluster}" from Operations Center`, () => client.api.findCluster(cluster));
  if (found === undefined)
    throw new DiagnosticError({
      severity: "error",
      summary: `Cluster "${cluster}" does not exist in Operations Center at ${client.api.url}`,
      path: ["cluster"],
    });
  if (found.cluster.connection_url === "") {
    throw new DiagnosticError({
      severity: "error",
      summary: `No way to reach the Incus API of cluster "${cluster}"`,
      detail: `Operations Center records no connection URL for it. Give incus_address, or add a remote named "${cluster}" to the incus CLI configuration in ${dir}, or set remote on this resource.`,
      path: ["cluster"],
    });
  }
  return { dir, urls: [found.cluster.connection_url], ...fromCli, ...(found.cluster.certificate === "" ? {} : { pinned: found.cluster.certificate }) };
}

/**
 * What a change of `cluster` means for an Incus resource: the cluster's rename keeps the Incus
 * objects where they are (in place, noted in the plan); a move to another existing cluster is a
 * replace, whose destroy half runs against the old cluster: the plan says what it does there.
 * `onOldCluster` is what that destroy does, e.g. `unsets cluster.max_voters`; undefined when it
 * makes no call.
 */
export async function clusterReferencePlan(
  client: ProviderClient,
  typeName: string,
  prior: ObjectValue | null,
  proposed: ObjectValue,
  onOldCluster?: string,
): Promise<{ requiresReplace: string[][]; diagnostics: Diagnostic[] }> {
  const from = prior === null ? undefined : knownString(prior.cluster);
  const to = knownString(proposed.cluster);
  const change = await clusterChange(client.api, from, to);
  if (change === "rename") return { requiresReplace: [], diagnostics: [renameNote(typeName, from!, to!)] };
  if (change !== "move") return { requiresReplace: [], diagnostics: [] };
  const note: Diagnostic = {
    severity: "warning",
    summary:
      onOldCluster === undefined
        ? `${typeName}: moves from cluster "${from!}" to cluster "${to!}"; cluster "${from!}" is left as it is`
        : `${typeName}: moves from cluster "${from!}" to cluster "${to!}"; the replace first ${onOldCluster} on cluster "${from!}"`,
    detail: `A move to another existing cluster replaces the resource: the destroy runs against "${from!}", then the create against "${to!}".`,
  };
  return { requiresReplace: [["cluster"]], diagnostics: [note] };
}

/** True when the resource's cluster is gone from Operations Center: its read then drops it from state. */
export async function clusterGone(client: ProviderClient, values: ObjectValue): Promise<boolean> {
  const cluster = knownString(values.cluster);
  return cluster !== undefined && !(await clusterExists(client.api, cluster));
}

/**
 * Plan-time check that each named server can be a member of the cluster: an error for a server
 * Operations Center does not know, or one in another cluster (the apply would fail with a 404 from
 * Incus). A server in no cluster yet passes: the cluster may add it in the same apply. Nothing is
 * checked while the cluster does not exist yet (it is created, or renamed, in this apply).
 */
export async function memberProblems(
  client: ProviderClient,
  cluster: string | undefined,
  servers: readonly string[],
  attribute: string,
): Promise<Diagnostic[]> {
  if (cluster === undefined || servers.length === 0 || !(await clusterExists(client.api, cluster))) return [];
  const known = await apiStep("Cannot list the servers", () => client.api.listServers());
  const out: Diagnostic[] = [];
  for (const name of servers) {
    const server = known.find((s) => s.name === name);
    if (server !== undefined && (server.cluster === "" || server.cluster === cluster)) continue;
    const members = known
      .filter((s) => s.cluster === cluster)
      .map((s) => s.name)
      .sort();
    out.push({
      severity: "error",
      summary: `${attribute}: "${name}" is not a member of cluster "${cluster}"`,
      detail:
        (server === undefined ? `Operations Center has no server "${name}".` : `"${name}" is a member of cluster "${server.cluster}".`) +
        ` The members of "${cluster}" are: ${members.join(", ") || "(none)"}. Name one of them, or add the server to the cluster's servers.`,
      path: [attribute],
    });
  }
  return out;
}
