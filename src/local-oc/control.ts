// /local-oc/*: the control endpoints CI uses around the API (never subject to faults).
//
//   GET  /local-oc/health                         200 {status:"ok", ...} once listening; no client certificate needed
//   GET|PUT /local-oc/faults                      the injected faults; a PUT also arms the kill
//                                                 point ("after") again and releases held requests
//   GET|DELETE /local-oc/requests                 the request log (secrets redacted)
//   POST /local-oc/reset                          back to the seeded start (trust and TLS key kept)
//   GET|PUT /local-oc/snapshot                    the whole model, to restore later
//   GET  /local-oc/pending-registrations          factory-reset servers not registered again yet
//   POST /local-oc/pending-registrations/:register  register them now
//   POST /local-oc/poll                           run OC's periodic server polls now (the pending
//                                                 poll and the configuration poll): every server
//                                                 that answers gets its stored copy refreshed and
//                                                 leaves a pending re-configuration; body
//                                                 {"servers": [names]} polls only those; answers
//                                                 the names of the servers that answered (ready,
//                                                 or pending a re-configuration)
//   GET|POST /local-oc/instances                  simulated Incus instances (instances.ts); POST places
//                                                 one: {name, location, storage_pool?, devices?, project?,
//                                                 type?, status?, config?}, 201 with the instance as stored
//   DELETE /local-oc/instances/CLUSTER/PROJECT/NAME  deletes one (as `incus delete` would)
//   GET|POST /local-oc/storage-volumes            simulated custom volumes: {name, location, storage_pool?, project?}
//   DELETE /local-oc/storage-volumes/CLUSTER/PROJECT/POOL/NAME

import { z } from "zod";
import type { Context, Faults } from "./context.js";
import { HttpError } from "./errors.js";
import { plainText, sync, type ApiResponse } from "./http.js";
import { modelSchema, type Model } from "./seeding.js";
import { pollServers } from "./server-data.js";
import { allInstances, allVolumes, deleteInstance, deleteVolume, placeInstance, placeVolume } from "./instances.js";
import { instanceInputSchema, volumeInputSchema } from "./persisted.js";

const pollRequestSchema = z.strictObject({ servers: z.array(z.string()).optional() });

export interface ControlTarget {
  ctx: Context;
  faultsSchema: z.ZodType<Faults>;
  requests: () => unknown[];
  clearRequests: () => void;
  reset: () => Promise<void>;
  snapshot: () => Model;
  restore: (model: unknown) => void;
  startedAt: number;
  version: string;
}

/** zod issues as "field: problem; field: problem" with the document's own paths. */
function issuesText(error: z.ZodError, what: string): string {
  return error.issues.map((i) => `${i.path.length > 0 ? i.path.join(".") : what}: ${i.message}`).join("; ");
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body === "" ? "{}" : body) as unknown;
  } catch (err) {
    throw new HttpError(400, `Bad Request: ${(err as Error).message}`);
  }
}

const methodNotAllowed = (allow: string): ApiResponse => plainText(405, "Method Not Allowed", { Allow: allow });

/** The health answer: open to anyone, so that a CI job can wait for it with a plain `curl -k`. */
export function health(target: ControlTarget): ApiResponse {
  const data = target.ctx.store.data;
  return sync({
    status: "ok",
    version: target.version,
    uptime_ms: Math.round(Date.now() - target.startedAt),
    servers: data.servers.length,
    clusters: data.clusters.length,
    pending_registrations: data.pending_registrations.length,
  });
}

/** A restorable model: validated whole, so that a bad snapshot changes nothing. */
export function parseModel(value: unknown): Model {
  const result = modelSchema.safeParse(value);
  if (!result.success) throw new HttpError(400, `Bad Request: invalid snapshot: ${issuesText(result.error, "snapshot")}`);
  return result.data;
}

export async function control(target: ControlTarget, method: string, path: string, body: string): Promise<ApiResponse> {
  const { ctx } = target;
  switch (path) {
    case "/local-oc/health":
      return method === "GET" || method === "HEAD" ? health(target) : methodNotAllowed("GET, HEAD");
    case "/local-oc/faults": {
      if (method === "GET") return sync(ctx.faults);
      if (method !== "PUT") return methodNotAllowed("GET, PUT");
      const result = target.faultsSchema.safeParse(parseJson(body));
      if (!result.success) throw new HttpError(400, `Bad Request: ${issuesText(result.error, "faults")}`);
      ctx.faults = result.data;
      return sync(ctx.faults);
    }
    case "/local-oc/requests":
      if (method === "GET") return sync(target.requests());
      if (method !== "DELETE") return methodNotAllowed("DELETE, GET");
      target.clearRequests();
      return sync({});
    case "/local-oc/reset":
      if (method !== "POST") return methodNotAllowed("POST");
      await target.reset();
      return sync({});
    case "/local-oc/snapshot":
      if (method === "GET") return sync(target.snapshot());
      if (method !== "PUT") return methodNotAllowed("GET, PUT");
      target.restore(parseJson(body));
      return sync({});
    case "/local-oc/pending-registrations":
      if (method !== "GET") return methodNotAllowed("GET");
      return sync(ctx.store.data.pending_registrations.map((p) => ({ name: p.name, at: new Date(p.at).toISOString() })));
    case "/local-oc/pending-registrations/:register":
      if (method !== "POST") return methodNotAllowed("POST");
      return sync(await ctx.registerPendingNow());
    case "/local-oc/poll": {
      if (method !== "POST") return methodNotAllowed("POST");
      const result = pollRequestSchema.safeParse(parseJson(body));
      if (!result.success) throw new HttpError(400, `Bad Request: ${issuesText(result.error, "poll request")}`);
      const unknown = (result.data.servers ?? []).filter((n) => ctx.store.server(n) === undefined);
      if (unknown.length > 0) throw new HttpError(400, `Bad Request: servers: unknown server ${JSON.stringify(unknown[0])}`);
      return sync(pollServers(ctx, result.data.servers));
    }
    default:
      return simulated(ctx, method, path, body);
  }
}

/** /local-oc/instances and /local-oc/storage-volumes: the simulated Incus objects on cluster members. */
function simulated(ctx: Context, method: string, path: string, body: string): ApiResponse {
  const [, , kind, ...rest] = path.split("/").map((p) => decodeURIComponent(p));
  const place = kind === "instances" ? placeInstance : kind === "storage-volumes" ? placeVolume : undefined;
  if (place === undefined) return plainText(404, "404 page not found");
  const schema = kind === "instances" ? instanceInputSchema : volumeInputSchema;
  if (rest.length === 0) {
    if (method === "GET") return sync(kind === "instances" ? allInstances(ctx.store) : allVolumes(ctx.store));
    if (method !== "POST") return methodNotAllowed("GET, POST");
    const input = schema.safeParse(parseJson(body));
    if (!input.success) throw new HttpError(400, `Bad Request: ${issuesText(input.error, kind)}`);
    const placed = place(ctx.store, input.data);
    ctx.changed();
    return { ...sync(placed), status: 201 };
  }
  if (method !== "DELETE") return methodNotAllowed("DELETE");
  const [cluster = "", project = "", ...names] = rest;
  const deleted =
    kind === "instances" && names.length === 1
      ? deleteInstance(ctx.store, cluster, project, names[0]!)
      : kind === "storage-volumes" && names.length === 2 && deleteVolume(ctx.store, cluster, project, names[0]!, names[1]!);
  if (!deleted) throw new HttpError(404, `Not Found: no simulated ${kind === "instances" ? "instance" : "storage volume"} ${rest.join("/")}`);
  ctx.changed();
  return sync({});
}
