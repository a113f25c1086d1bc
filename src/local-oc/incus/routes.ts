// The Incus cluster REST API of each cluster the local Operations Center created. Each cluster's
// own listener (incus/listeners.ts) serves it at /1.0/..., routed here as /incus/{cluster}/1.0/...
// (the opt-in shared route serves that path on OC's listener too). Only client certificates in the
// cluster's trust store are let in (incus/access.ts, incus/trust.ts). The routes decode the
// request, call the model (incus/model.ts, which validates as Incus does and changes the state)
// and encode the answer: 412 for a stale ETag, async operations for evacuate and restore with
// /1.0/operations/{id}/wait (incus@be7afc5 cmd/incusd/api_cluster.go, api_cluster_group.go).
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { evacuationModes } from "../../config/incus.js";
import type { Context } from "../context.js";
import { HttpError } from "../errors.js";
import { checkIfMatch, created, emptySync, encodePath, sync, syncETag, type ApiRequest, type ApiResponse, type Router } from "../http.js";
import { type IncusClusterModel, groupPutSchema, memberPutSchema } from "./model.js";
import type { IncusMember } from "../persisted.js";
import { runMemberEvacuation, runMemberRestore } from "../evacuation.js";
import { clusterInstances, instanceDocument } from "../instances.js";
import { incusCluster, trustedIncusCluster, type IncusAccessOptions } from "./access.js";

export const INCUS_PREFIX = "/incus/{cluster}/1.0";

const groupPostSchema = groupPutSchema.extend({ name: z.string() });
const renameSchema = z.looseObject({ name: z.string() });
const statePostSchema = z.looseObject({ action: z.string(), mode: z.string().nullish() });
const serverPutSchema = z.looseObject({ config: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).nullish() });

interface Operation {
  id: string;
  class: "task";
  description: string;
  created_at: string;
  updated_at: string;
  status: string;
  status_code: number;
  resources: Record<string, string[]>;
  metadata: Record<string, unknown>;
  may_cancel: boolean;
  err: string;
  location: string;
}

function parse<S extends z.ZodType>(schema: S, body: string): z.infer<S> {
  let json: unknown;
  try {
    json = JSON.parse(body === "" ? "null" : body);
  } catch (error) {
    throw new HttpError(400, `Invalid JSON: ${(error as Error).message}`);
  }
  const result = schema.safeParse(json);
  if (!result.success)
    throw new HttpError(400, `Invalid request body: ${result.error.issues.map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`).join("; ")}`);
  return result.data;
}

/** Operations by id, for the routes of one local OC. */
class Operations {
  private readonly operations = new Map<string, Operation>();
  private readonly waiters = new Map<string, Array<() => void>>();

  start(description: string, member: string, resources: Record<string, string[]>): Operation {
    const now = new Date().toISOString();
    const op: Operation = {
      id: randomUUID(),
      class: "task",
      description,
      created_at: now,
      updated_at: now,
      status: "Running",
      status_code: 103,
      resources,
      metadata: {},
      may_cancel: false,
      err: "",
      location: member,
    };
    this.operations.set(op.id, op);
    return op;
  }

  /** Ends the operation: Success, or Failure with `error` (its `err`). */
  finish(op: Operation, error?: string): void {
    op.status = error === undefined ? "Success" : "Failure";
    op.status_code = error === undefined ? 200 : 400;
    op.err = error ?? "";
    op.updated_at = new Date().toISOString();
    for (const wake of this.waiters.get(op.id) ?? []) wake();
    this.waiters.delete(op.id);
  }

  get(id: string): Operation {
    const op = this.operations.get(id);
    if (op === undefined) throw new HttpError(404, "Operation not found");
    return op;
  }

  /** Resolves when the operation is final or after `timeoutS` seconds (-1: no limit). */
  async wait(id: string, timeoutS: number): Promise<Operation> {
    const op = this.get(id);
    if (op.status_code >= 200) return op;
    await new Promise<void>((resolve) => {
      const list = this.waiters.get(id) ?? [];
      list.push(resolve);
      this.waiters.set(id, list);
      if (timeoutS >= 0) setTimeout(resolve, timeoutS * 1000).unref();
    });
    return op;
  }
}

function asyncResponse(op: Operation): ApiResponse {
  return {
    status: 202,
    headers: { "Content-Type": "application/json", Location: `/1.0/operations/${op.id}` },
    body: `${JSON.stringify({ type: "async", status: "Operation created", status_code: 100, operation: `/1.0/operations/${op.id}`, error_code: 0, error: "", metadata: op })}\n`,
  };
}

export function registerIncusRoutes(router: Router, ctx: Context, access: IncusAccessOptions): void {
  const operations = new Operations();
  const P = INCUS_PREFIX;

  /** The cluster of the request, after checking the client certificate against its trust store. */
  const clusterOf = (req: ApiRequest): IncusClusterModel => trustedIncusCluster(ctx, req, access);
  const memberPut = (model: IncusClusterModel, name: string, m: IncusMember) => ({
    roles: [...m.roles, ...model.automaticRoles(name)],
    failure_domain: m.failure_domain,
    description: m.description,
    config: m.config,
    groups: m.groups,
  });
  const memberDocument = (model: IncusClusterModel, name: string) => {
    const m = model.requireMember(name);
    const status = model.status(name);
    return {
      server_name: name,
      url: model.server(name)!.connection_url,
      database: model.automaticRoles(name).length > 0,
      status,
      message: status === "Online" ? "Fully operational" : "Unavailable due to maintenance",
      architecture: "x86_64",
      ...memberPut(model, name, m),
    };
  };
  const groupOf = (model: IncusClusterModel, name: string) => {
    if (model.group(name) === undefined) throw new HttpError(404, "Cluster group not found");
    return name;
  };
  const serverTarget = (model: IncusClusterModel, req: ApiRequest): string => {
    const target = req.query.get("target");
    if (target === null || target === "") return model.memberNames()[0]!;
    model.requireMember(target);
    return target;
  };
  // What GET /1.0 shows an untrusted client (incus@be7afc5 cmd/incusd/api_1.0.go, api10Get).
  const untrustedServerDocument = {
    config: {},
    api_extensions: null,
    api_status: "stable",
    api_version: "1.0",
    auth: "untrusted",
    public: false,
    auth_methods: ["tls"],
  };
  const serverDocument = (model: IncusClusterModel, member: string) => ({
    config: model.renderedConfig(member),
    api_extensions: [
      "clustering",
      "clustering_roles",
      "clustering_failure_domains",
      "clustering_groups",
      "clustering_evacuation",
      "instances_placement_scriptlet",
    ],
    api_status: "stable",
    api_version: "1.0",
    auth: "trusted",
    public: false,
    auth_methods: ["tls"],
    environment: { server_clustered: true, server_name: member, server: "incus", server_version: "7.0" },
  });

  router.add("GET", P, (req) => {
    const { trust } = incusCluster(ctx, req, access);
    if (!trust.trusted) return syncETag(untrustedServerDocument, null);
    const model = clusterOf(req);
    const member = serverTarget(model, req);
    return syncETag(serverDocument(model, member), model.renderedConfig(member));
  });
  const writeServer = (replace: boolean) => (req: ApiRequest) => {
    const model = clusterOf(req);
    const member = serverTarget(model, req);
    checkIfMatch(req, model.renderedConfig(member));
    const body = parse(serverPutSchema, req.body);
    // PATCH with no config changes nothing; PUT with none resets every key.
    if (!replace && (body.config === null || body.config === undefined)) return emptySync();
    const config = Object.fromEntries(Object.entries(body.config ?? {}).map(([k, v]) => [k, v === null ? "" : String(v)]));
    model.writeConfig(member, config, replace);
    return emptySync();
  };
  router.add("PUT", P, writeServer(true));
  router.add("PATCH", P, writeServer(false));

  router.add("GET", `${P}/cluster`, (req) => {
    const model = clusterOf(req);
    return sync({ server_name: model.memberNames()[0] ?? "", enabled: true, member_config: [] });
  });

  router.add("GET", `${P}/cluster/members`, (req) => {
    const model = clusterOf(req);
    const names = model.memberNames();
    if (req.query.get("recursion") === "1") return sync(names.map((n) => memberDocument(model, n)));
    return sync(names.map((n) => encodePath(`/1.0/cluster/members/${n}`)));
  });

  router.add("GET", `${P}/cluster/members/{member}`, (req) => {
    const model = clusterOf(req);
    const name = req.params["member"]!;
    return syncETag(memberDocument(model, name), memberPut(model, name, model.requireMember(name)));
  });

  const writeMember = (patch: boolean) => (req: ApiRequest) => {
    const model = clusterOf(req);
    const name = req.params["member"]!;
    const member = model.requireMember(name);
    checkIfMatch(req, memberPut(model, name, member));
    const body = parse(memberPutSchema, req.body);
    model.updateMember(name, body, patch);
    return emptySync();
  };
  router.add("PUT", `${P}/cluster/members/{member}`, writeMember(false));
  router.add("PATCH", `${P}/cluster/members/{member}`, writeMember(true));

  router.add("GET", `${P}/cluster/members/{member}/state`, (req) => {
    const model = clusterOf(req);
    model.requireMember(req.params["member"]!);
    return sync({
      sysinfo: {
        uptime: 86400,
        load_averages: [0.1, 0.1, 0.1],
        processes: 120,
        total_ram: 137438953472,
        free_ram: 68719476736,
        shared_ram: 0,
        buffered_ram: 0,
        total_swap: 0,
        free_swap: 0,
      },
      storage_pools: {},
    });
  });

  router.add("POST", `${P}/cluster/members/{member}/state`, (req) => {
    const model = clusterOf(req);
    const name = req.params["member"]!;
    model.requireMember(name);
    const body = parse(statePostSchema, req.body);
    const mode = body.mode ?? "";
    const server = model.server(name)!;
    const resources = { cluster: [encodePath(`/1.0/cluster/members/${name}`)] };
    // Incus checks the member's state inside the operation (evacuation.ts).
    if (body.action === "evacuate") {
      if (mode !== "" && !(evacuationModes as readonly string[]).includes(mode)) throw new HttpError(400, `Invalid evacuation mode "${mode}"`);
      let effective = mode;
      if (model.memberNames().length === 1) {
        if (mode !== "" && mode !== "auto" && mode !== "stop") throw new HttpError(400, `Can't perform "${mode}" evacuation on a single node cluster`);
        effective = "stop";
      }
      const op = operations.start("Evacuating cluster member", name, resources);
      runMemberEvacuation(ctx, model.name, server, effective, (error) => operations.finish(op, error));
      return asyncResponse(op);
    }
    if (body.action === "restore") {
      if (mode !== "" && mode !== "skip") throw new HttpError(400, `Invalid restore mode "${mode}"`);
      const op = operations.start("Restoring cluster member", name, resources);
      runMemberRestore(ctx, model.name, server, mode === "skip", (error) => operations.finish(op, error));
      return asyncResponse(op);
    }
    throw new HttpError(400, `Unknown action "${body.action}"`);
  });

  router.add("GET", `${P}/cluster/groups`, (req) => {
    const model = clusterOf(req);
    const names = model.groupNames();
    if (req.query.get("recursion") === "1") {
      // As db.ClusterGroupToAPI: name, description and members only.
      return sync(names.map((n) => ({ name: n, description: model.group(n)!.description, members: model.groupMembers(n) })));
    }
    return sync(names.map((n) => encodePath(`/1.0/cluster/groups/${n}`)));
  });

  router.add("POST", `${P}/cluster/groups`, (req) => {
    const model = clusterOf(req);
    const body = parse(groupPostSchema, req.body);
    model.createGroup(body.name, body);
    return created(`/1.0/cluster/groups/${body.name}`);
  });

  router.add("GET", `${P}/cluster/groups/{group}`, (req) => {
    const model = clusterOf(req);
    const name = groupOf(model, req.params["group"]!);
    return syncETag({ name, ...model.groupPut(name), used_by: [] }, model.groupPut(name));
  });

  const writeGroup = (patch: boolean) => (req: ApiRequest) => {
    const model = clusterOf(req);
    const name = groupOf(model, req.params["group"]!);
    const current = model.groupPut(name);
    // Only PATCH checks If-Match, and against [description, members] rather than the GET's ETag
    // source (incus@be7afc5 cmd/incusd/api_cluster_group.go (clusterGroupPatch); clusterGroupPut has no check).
    if (patch) checkIfMatch(req, [current.description, current.members]);
    const body = parse(groupPutSchema, req.body);
    model.updateGroup(name, body, patch);
    return emptySync();
  };
  router.add("PUT", `${P}/cluster/groups/{group}`, writeGroup(false));
  router.add("PATCH", `${P}/cluster/groups/{group}`, writeGroup(true));

  router.add("POST", `${P}/cluster/groups/{group}`, (req) => {
    const model = clusterOf(req);
    const name = groupOf(model, req.params["group"]!);
    model.checkRenamable(name);
    const body = parse(renameSchema, req.body);
    model.renameGroup(name, body.name);
    return created(`/1.0/cluster/groups/${body.name}`);
  });

  router.add("DELETE", `${P}/cluster/groups/{group}`, (req) => {
    const model = clusterOf(req);
    const name = groupOf(model, req.params["group"]!);
    model.deleteGroup(name);
    return emptySync();
  });

  // The simulated instances (instances.ts): ?project=, ?all-projects=true, ?recursion=1.
  router.add("GET", `${P}/instances`, (req) => {
    const model = clusterOf(req);
    const all = req.query.get("all-projects") === "true";
    const project = req.query.get("project") ?? "default";
    const list = clusterInstances(ctx.store, model.name).filter((i) => all || i.project === project);
    if (req.query.get("recursion") === "1") return sync(list.map(instanceDocument));
    return sync(list.map((i) => encodePath(`/1.0/instances/${i.name}`) + (i.project === "default" ? "" : `?project=${encodeURIComponent(i.project)}`)));
  });

  router.add("GET", `${P}/operations/{id}`, (req) => {
    clusterOf(req);
    return sync(operations.get(req.params["id"]!));
  });

  router.add("GET", `${P}/operations/{id}/wait`, async (req) => {
    clusterOf(req);
    const raw = req.query.get("timeout");
    const timeout = raw === null || raw === "" ? -1 : Number.parseInt(raw, 10);
    return sync(await operations.wait(req.params["id"]!, Number.isNaN(timeout) ? -1 : timeout));
  });
}
