// Routes of /1.0/provisioning/clusters (operations-center@41a98e0
// internal/api/api_provisioning_cluster.go): each decodes the request (path, query, body through
// the spec decoders), calls the model (cluster-model.ts) and encodes the answer (envelope, ETag,
// Location). No route changes state.

import type { Context } from "./context.js";
import { DecodeError, decodeBody, type StructSpec } from "./decode.js";
import { badRequest, notFound, notFoundf, q, rewrap } from "./errors.js";
import {
  addServers,
  cancelClusterOperation,
  clusterArtifacts,
  clusterDeleteModes,
  clusterUpdateStatus,
  createCluster,
  deleteCluster,
  findArtifact,
  getCluster,
  launchClusterOperation,
  listClusters,
  removeServers,
  renameCluster,
  resyncClusterInventory,
  updateCluster,
  updateClusterCertificate,
  type ClusterDeleteMode,
} from "./cluster-model.js";
import { checkIfMatch, created, emptySync, sync, syncETag, type ApiRequest, type Router } from "./http.js";
import { serverTypeValues, type ArtifactRecord, type ClusterRecord } from "./persisted.js";
import { filterWith } from "./servers.js";
import { zipFiles } from "./zip.js";

const PREFIX = "/1.0/provisioning/clusters";
const clusterStatusValues = ["unknown", "pending", "ready"] as const;

const rollingRestartSpec = {
  struct: "ClusterConfigRollingRestart",
  goType: "api.ClusterConfigRollingRestart",
  fields: { post_restore_delay: "string", restore_mode: "string" },
} as const;
const configSpec = { struct: "ClusterConfig", goType: "api.ClusterConfig", fields: { rolling_restart: rollingRestartSpec } } as const;
const statusField = {
  enum: clusterStatusValues,
  goType: "api.ClusterStatus",
  invalid: (v: string) => `${q(v)} is not a valid server status`,
} as const;
const putFields = {
  connection_url: "string",
  channel: "string",
  description: "string",
  properties: "configmap",
  config: configSpec,
} as const;
const clusterFields = {
  ...putFields,
  name: "string",
  certificate: "string",
  fingerprint: "string",
  status: statusField,
  update_status: "any",
  last_updated: "string",
} as const;

const clusterPostSpec: StructSpec = {
  name: "ClusterPost",
  goType: "api.ClusterPost",
  fields: {
    ...clusterFields,
    server_names: "[]string",
    server_type: { enum: serverTypeValues, goType: "api.ServerType", invalid: (v: string) => `${q(v)} is not a valid server type` },
    services_config: "object",
    application_seed_config: "object",
    cluster_template: "string",
    cluster_template_variable_values: "configmap",
  },
};
const clusterPutSpec: StructSpec = { name: "ClusterPut", goType: "api.ClusterPut", fields: { ...putFields } };
const clusterSpec: StructSpec = { name: "Cluster", goType: "api.Cluster", fields: { ...clusterFields } };
const addServersSpec: StructSpec = {
  name: "ClusterAddServersPost",
  goType: "api.ClusterAddServersPost",
  fields: { server_names: "[]string", skip_post_join_operations: "bool", copy_services_config: "bool" },
};
const removeServersSpec: StructSpec = {
  name: "ClusterRemoveServersPost",
  goType: "api.ClusterRemoveServersPost",
  fields: { server_names: "[]string" },
};
const updatePostSpec: StructSpec = { name: "ClusterUpdatePost", goType: "api.ClusterUpdatePost", fields: { reboot: "bool" } };
const certificatePutSpec: StructSpec = {
  name: "ClusterCertificatePut",
  goType: "api.ClusterCertificatePut",
  fields: { cluster_certificate: "string", cluster_certificate_key: "string" },
};

function decode(body: string, spec: StructSpec): Record<string, unknown> {
  try {
    return decodeBody(body, spec);
  } catch (err) {
    if (err instanceof DecodeError) throw badRequest(err.message);
    throw err;
  }
}

const str = (v: unknown): string => (typeof v === "string" ? v : "");

function configOf(body: Record<string, unknown>): ClusterRecord["config"] {
  const config = (body["config"] ?? {}) as Record<string, unknown>;
  const rr = (config["rolling_restart"] ?? {}) as Record<string, unknown>;
  return { rolling_restart: { post_restore_delay: str(rr["post_restore_delay"]), restore_mode: str(rr["restore_mode"]) } };
}

/** The cluster a PUT or rename changes, after the optional If-Match check (412 on mismatch). */
function clusterForWrite(ctx: Context, req: ApiRequest, name: string): ClusterRecord {
  let c: ClusterRecord;
  try {
    c = getCluster(ctx, name);
  } catch (err) {
    rewrap(err, `Failed to get cluster ${q(name)}`);
  }
  checkIfMatch(req, etagSource(ctx, c));
  return c;
}

function clusterDocument(ctx: Context, c: ClusterRecord): Record<string, unknown> {
  return {
    name: c.name,
    connection_url: c.connection_url,
    certificate: c.certificate,
    fingerprint: c.fingerprint,
    status: c.status,
    update_status: clusterUpdateStatus(ctx, c),
    channel: c.channel,
    description: c.description,
    properties: c.properties,
    config: c.config,
    last_updated: c.last_updated,
  };
}

/** What OC hashes for the ETag: the internal record with its computed update status. */
function etagSource(ctx: Context, c: ClusterRecord): unknown {
  return { ...c, update_status: clusterUpdateStatus(ctx, c) };
}

function clusterEnv(ctx: Context, c: ClusterRecord): Record<string, unknown> {
  return { ...clusterDocument(ctx, c), server_names: [], server_type: "", services_config: {}, application_seed_config: {} };
}

const SAMPLE_CLUSTER_ENV: Record<string, unknown> = {
  name: "",
  connection_url: "",
  certificate: "",
  fingerprint: "",
  status: "",
  update_status: {},
  channel: "",
  description: "",
  properties: {},
  config: {},
  last_updated: "",
  server_names: [],
  server_type: "",
  services_config: {},
  application_seed_config: {},
};

function artifactDocument(a: ArtifactRecord): Record<string, unknown> {
  return {
    cluster: a.cluster,
    name: a.name,
    description: a.description,
    properties: a.properties,
    files: a.files.map((f) => ({ name: f.name, mime_type: f.mime_type, size: Buffer.byteLength(f.content) })),
    last_updated: a.last_updated,
  };
}

export function registerClusterRoutes(router: Router, ctx: Context): void {
  router.add("GET", PREFIX, (req) => {
    const recursion = Number.parseInt(req.query.get("recursion") ?? "", 10) === 1;
    const clusters = listClusters(ctx);
    const filter = req.query.get("filter");
    if (recursion) {
      return sync(filterWith(clusters, filter, (c) => clusterEnv(ctx, c), SAMPLE_CLUSTER_ENV).map((c) => clusterDocument(ctx, c)));
    }
    return sync(filterWith(clusters, filter, (c) => ({ name: c.name }), { name: "" }).map((c) => `${PREFIX}/${c.name}`));
  });

  router.add("POST", PREFIX, async (req) => {
    const body = decode(req.body, clusterPostSpec);
    const name = str(body["name"]);
    await createCluster(ctx, {
      name,
      connection_url: str(body["connection_url"]),
      channel: str(body["channel"]),
      description: str(body["description"]),
      properties: (body["properties"] ?? {}) as Record<string, string>,
      config: configOf(body),
      server_names: (body["server_names"] ?? []) as string[],
      // An explicit "" decodes to ServerTypeUnknown; an absent key stays "".
      server_type: body["server_type"] === undefined ? "" : body["server_type"] === "" ? "unknown" : str(body["server_type"]),
      services_config: (body["services_config"] ?? {}) as Record<string, unknown>,
      application_seed_config: (body["application_seed_config"] ?? {}) as Record<string, unknown>,
      cluster_template: str(body["cluster_template"]),
      cluster_template_variable_values: (body["cluster_template_variable_values"] ?? {}) as Record<string, string>,
    });
    return created(`${PREFIX}/${name}`);
  });

  router.add("GET", `${PREFIX}/{name}`, (req) => {
    const c = getCluster(ctx, req.params["name"]!);
    return syncETag(clusterDocument(ctx, c), etagSource(ctx, c));
  });

  router.add("PUT", `${PREFIX}/{name}`, (req) => {
    const name = req.params["name"]!;
    const body = decode(req.body, clusterPutSpec);
    updateCluster(ctx, clusterForWrite(ctx, req, name), {
      connection_url: str(body["connection_url"]),
      channel: str(body["channel"]),
      description: str(body["description"]),
      properties: (body["properties"] ?? {}) as Record<string, string>,
      config: configOf(body),
    });
    return created(`${PREFIX}/${name}`);
  });

  router.add("DELETE", `${PREFIX}/{name}`, (req) => {
    const mode = req.query.get("mode") ?? "";
    // An unknown mode is a normal delete.
    const known = (clusterDeleteModes as readonly string[]).includes(mode);
    deleteCluster(ctx, req.params["name"]!, known ? (mode as ClusterDeleteMode) : "normal");
    return emptySync();
  });

  router.add("POST", `${PREFIX}/{name}`, (req) => {
    const name = req.params["name"]!;
    const body = decode(req.body, clusterSpec);
    const newName = str(body["name"]);
    renameCluster(ctx, clusterForWrite(ctx, req, name), newName);
    return created(`${PREFIX}/${newName}`);
  });

  router.add("POST", `${PREFIX}/{name}/:add-servers`, async (req) => {
    const name = req.params["name"]!;
    const body = decode(req.body, addServersSpec);
    await addServers(ctx, name, { server_names: (body["server_names"] ?? []) as string[], copy_services_config: body["copy_services_config"] === true });
    return created(`${PREFIX}/${name}`);
  });

  router.add("POST", `${PREFIX}/{name}/:remove-servers`, (req) => {
    const name = req.params["name"]!;
    const body = decode(req.body, removeServersSpec);
    removeServers(ctx, name, (body["server_names"] ?? []) as string[]);
    return created(`${PREFIX}/${name}`);
  });

  router.add("POST", `${PREFIX}/{name}/:resync-inventory`, (req) => {
    resyncClusterInventory(ctx, req.params["name"]!);
    return emptySync();
  });

  router.add("POST", `${PREFIX}/{name}/:update`, (req) => {
    const name = req.params["name"]!;
    const body = decode(req.body, updatePostSpec);
    launchClusterOperation(ctx, name, "update", body["reboot"] === true);
    return emptySync();
  });

  router.add("POST", `${PREFIX}/{name}/:reboot`, (req) => {
    launchClusterOperation(ctx, req.params["name"]!, "reboot", true);
    return emptySync();
  });

  router.add("POST", `${PREFIX}/{name}/:cancel-operation`, (req) => {
    cancelClusterOperation(ctx, req.params["name"]!);
    return emptySync();
  });

  router.add("PUT", `${PREFIX}/{name}/certificate`, (req) => {
    const body = decode(req.body, certificatePutSpec);
    updateClusterCertificate(ctx, req.params["name"]!, str(body["cluster_certificate"]), str(body["cluster_certificate_key"]));
    return emptySync();
  });

  router.add("GET", `${PREFIX}/{clusterName}/artifacts`, (req) => {
    const clusterName = req.params["clusterName"]!;
    const recursion = Number.parseInt(req.query.get("recursion") ?? "", 10) === 1;
    const artifacts = clusterArtifacts(ctx, clusterName);
    return sync(recursion ? artifacts.map(artifactDocument) : artifacts.map((a) => `${PREFIX}/${clusterName}/artifacts/${a.name}`));
  });

  router.add("GET", `${PREFIX}/{clusterName}/artifacts/{artifactName}`, (req) => {
    const { clusterName, artifactName } = req.params as { clusterName: string; artifactName: string };
    const archive = req.query.get("archive");
    const artifact = findArtifact(ctx, clusterName, artifactName);
    if (archive !== null && archive !== "") {
      if (archive !== "zip") throw badRequest(`Archive type ${q(archive)} not supported`);
      if (artifact === undefined) throw notFound().wrap(`Failed to get artifact ${q(artifactName)} for cluster ${q(clusterName)}`);
      const zip = zipFiles(artifact.files.map((f) => ({ name: f.name, data: Buffer.from(f.content) })));
      return {
        status: 200,
        headers: {
          "Content-Type": "application/zip",
          "Content-Disposition": `attachment; filename=${artifactName}.zip`,
          "Content-Length": String(zip.length),
        },
        body: zip,
      };
    }
    if (artifact === undefined) throw notFound();
    return syncETag(artifactDocument(artifact), artifact);
  });

  router.add("GET", `${PREFIX}/{clusterName}/artifacts/{artifactName}/{filename}`, (req) => {
    const { clusterName, artifactName, filename } = req.params as { clusterName: string; artifactName: string; filename: string };
    const artifact = findArtifact(ctx, clusterName, artifactName);
    if (artifact === undefined) {
      throw notFound().wrap(`Failed to get artifact ${q(artifactName)} for cluster ${q(clusterName)}`);
    }
    const file = artifact.files.find((f) => f.name === filename);
    if (file === undefined) {
      throw notFoundf(`File ${q(filename)} not found in artifact ${q(artifactName)} for cluster ${q(clusterName)}`);
    }
    return {
      status: 200,
      headers: { "Content-Type": file.mime_type, "Content-Disposition": `attachment; filename=${file.name}` },
      body: file.content,
    };
  });
}
