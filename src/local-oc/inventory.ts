// /1.0/inventory/*: the read-only cache Operations Center keeps of each cluster's Incus objects,
// derived here from the clusters the local Operations Center created, so that it agrees with
// the other routes: every ready cluster has its `default` project and profile, IncusOS' `local`
// storage pool plus the pools and networks of its application seed config, and on each member
// the `backups`, `images` and `logs` custom volumes Operations Center creates after a join.
// Instances and further custom volumes are the simulated ones placed on the members
// (instances.ts); there are no images.
//
// Each of the 15 kinds: GET (URLs, or ?recursion=1 objects; `cluster`, `project`, `server` and
// `filter` narrow it), GET /{uuid}, POST /{uuid}/:resync. GET /1.0/inventory/query aggregates
// them per cluster. UUIDs are derived from the object's identity, so they are stable.

import type { Context } from "./context.js";
import { notFound } from "./errors.js";
import { emptySync, sync, type ApiRequest, type Router } from "./http.js";
import { filterWith } from "./servers.js";
import { complete } from "./spec-shapes.js";
import { parseUUID } from "./decode.js";
import { nameUUID } from "./seeding.js";
import type { ClusterRecord } from "./persisted.js";
import { clusterInstances, clusterVolumes, instanceDocument, volumeDocument } from "./instances.js";

/** Route segment -> spec definition of its items. */
const inventoryKinds = {
  images: "InventoryImage",
  instances: "InventoryInstance",
  network_acls: "InventoryNetworkACL",
  network_address_sets: "InventoryNetworkAddressSet",
  network_forwards: "InventoryNetworkForward",
  network_integrations: "InventoryNetworkIntegration",
  network_load_balancers: "InventoryNetworkLoadBalancer",
  network_peers: "InventoryNetworkPeer",
  network_zones: "InventoryNetworkZone",
  networks: "InventoryNetwork",
  profiles: "InventoryProfile",
  projects: "InventoryProject",
  storage_buckets: "InventoryStorageBucket",
  storage_pools: "InventoryStoragePool",
  storage_volumes: "InventoryStorageVolume",
} as const;
type InventoryKind = keyof typeof inventoryKinds;

interface Item {
  uuid: string;
  cluster: string;
  name: string;
  project_name?: string;
  server?: string;
  parent_name?: string;
  type?: string;
  object: Record<string, unknown>;
  last_updated: string;
}

function namesOf(config: Record<string, unknown>, key: string): Array<Record<string, unknown>> {
  const list = config[key];
  return Array.isArray(list)
    ? list.filter((x): x is Record<string, unknown> => typeof x === "object" && x !== null && typeof (x as Record<string, unknown>)["name"] === "string")
    : [];
}

/** The inventory of one cluster, by kind. */
function clusterInventory(ctx: Context, c: ClusterRecord): Record<InventoryKind, Item[]> {
  const out = Object.fromEntries(Object.keys(inventoryKinds).map((k) => [k, [] as Item[]])) as Record<InventoryKind, Item[]>;
  if (c.status !== "ready") return out;
  const seed = ctx.store.data.creation_inputs[c.name]?.application_seed_config ?? {};
  const members = ctx.store.members(c.name);
  const item = (kind: InventoryKind, name: string, object: Record<string, unknown>, extra: Partial<Item> = {}): void => {
    out[kind].push({
      uuid: nameUUID("inventory", c.name, kind, extra.server ?? "", extra.project_name ?? "", name),
      cluster: c.name,
      name,
      object: { name, ...object },
      last_updated: c.last_updated,
      ...extra,
    });
  };
  item("projects", "default", {
    description: "Default Incus project",
    config: { "features.images": "true", "features.profiles": "true", "features.storage.volumes": "true" },
    used_by: ["/1.0/profiles/default"],
  });
  item(
    "profiles",
    "default",
    { description: "Default Incus profile", config: {}, devices: { root: { path: "/", pool: "local", type: "disk" } }, project: "default" },
    { project_name: "default" },
  );
  const pools = new Map<string, Record<string, unknown>>([
    [
      "local",
      { driver: "zfs", description: "IncusOS local storage", config: { source: "local/incus" }, status: "Created", locations: members.map((m) => m.name) },
    ],
  ]);
  for (const p of namesOf(seed, "storage_pools"))
    pools.set(String(p["name"]), {
      driver: p["driver"] ?? "",
      description: p["description"] ?? "",
      config: p["config"] ?? {},
      status: "Created",
      locations: members.map((m) => m.name),
    });
  for (const [name, object] of pools) item("storage_pools", name, object);
  for (const n of namesOf(seed, "networks")) {
    item(
      "networks",
      String(n["name"]),
      {
        type: n["type"] ?? "bridge",
        description: n["description"] ?? "",
        config: n["config"] ?? {},
        managed: true,
        status: "Created",
        locations: members.map((m) => m.name),
        project: "default",
      },
      { project_name: "default" },
    );
  }
  for (const m of members) {
    for (const volume of ["backups", "images", "logs"]) {
      item(
        "storage_volumes",
        volume,
        { type: "custom", content_type: "filesystem", description: "", config: {}, location: m.name, project: "default" },
        { project_name: "default", server: m.name, parent_name: "local", type: "custom" },
      );
    }
  }
  // The simulated instances (instances.ts): an instance's UUID is its cluster, project and name,
  // so that it keeps it when it moves (operations-center@41a98e0 internal/inventory/instance_model_gen.go).
  for (const i of clusterInstances(ctx.store, c.name)) {
    out.instances.push({
      uuid: nameUUID("inventory", c.name, "instances", i.project, i.name),
      cluster: c.name,
      name: i.name,
      project_name: i.project,
      server: i.location,
      object: instanceDocument(i),
      last_updated: c.last_updated,
    });
  }
  for (const v of clusterVolumes(ctx.store, c.name)) {
    item("storage_volumes", v.name, volumeDocument(v), { project_name: v.project, server: v.location, parent_name: v.storage_pool, type: "custom" });
  }
  return out;
}

function document(kind: InventoryKind, item: Item): Record<string, unknown> {
  return complete(inventoryKinds[kind], item);
}

function allItems(ctx: Context, kind: InventoryKind): Item[] {
  const clusters = [...ctx.store.data.clusters].sort((a, b) => a.name.localeCompare(b.name));
  return clusters.flatMap((c) => clusterInventory(ctx, c)[kind]);
}

function selected(ctx: Context, kind: InventoryKind, req: ApiRequest): Item[] {
  let items = allItems(ctx, kind);
  for (const key of ["cluster", "server"] as const) {
    const value = req.query.get(key);
    if (value !== null && value !== "") items = items.filter((i) => i[key] === value);
  }
  const project = req.query.get("project");
  if (project !== null && project !== "") items = items.filter((i) => i.project_name === project);
  const filter = req.query.get("filter");
  return filterWith(items, filter, (i) => document(kind, i), complete(inventoryKinds[kind], {}));
}

export function registerInventoryRoutes(router: Router, ctx: Context): void {
  for (const kind of Object.keys(inventoryKinds) as InventoryKind[]) {
    const prefix = `/1.0/inventory/${kind}`;
    router.add("GET", prefix, (req) => {
      const items = selected(ctx, kind, req);
      const recursion = Number.parseInt(req.query.get("recursion") ?? "", 10) === 1;
      return sync(recursion ? items.map((i) => document(kind, i)) : items.map((i) => `${prefix}/${i.uuid}`));
    });
    const find = (raw: string): Item => {
      const uuid = parseUUID(raw);
      const item = allItems(ctx, kind).find((i) => i.uuid === uuid);
      if (item === undefined) throw notFound();
      return item;
    };
    router.add("GET", `${prefix}/{uuid}`, (req) => sync(document(kind, find(req.params["uuid"]!))));
    router.add("POST", `${prefix}/{uuid}/:resync`, (req) => {
      find(req.params["uuid"]!);
      return emptySync();
    });
  }

  router.add("GET", "/1.0/inventory/query", (req) => {
    const kinds = req.query.getAll("kind").filter((k): k is InventoryKind => k in inventoryKinds);
    const clusters = req.query.getAll("cluster");
    const servers = req.query.getAll("server");
    const projects = req.query.getAll("project");
    const result = [...ctx.store.data.clusters]
      .filter((c) => clusters.length === 0 || clusters.includes(c.name))
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((c) => {
        const inventory = clusterInventory(ctx, c);
        const aggregate: Record<string, unknown> = {
          cluster: c.name,
          servers: ctx.store
            .members(c.name)
            .map((m) => m.name)
            .filter((n) => servers.length === 0 || servers.includes(n)),
        };
        for (const kind of Object.keys(inventoryKinds) as InventoryKind[]) {
          const wanted = kinds.length === 0 || kinds.includes(kind);
          aggregate[kind] = wanted
            ? inventory[kind]
                .filter((i) => servers.length === 0 || i.server === undefined || servers.includes(i.server))
                .filter((i) => projects.length === 0 || i.project_name === undefined || projects.includes(i.project_name))
                .map((i) => document(kind, i))
            : [];
        }
        return complete("InventoryAggregate", aggregate);
      });
    return sync(result);
  });
}
