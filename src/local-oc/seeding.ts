// The model a local Operations Center starts from: the seed's servers registered, its templates
// and clusters created through the same routes a client would call (so they pass the same checks
// and end in the same state), its tokens stored; plus what the real server's schema and update
// source always provide: the `stable` channel and the update of the OS version the servers run.

import { createHash, randomUUID } from "node:crypto";
import { machineCertificate, type Context } from "./context.js";
import type { Router } from "./http.js";
import { toHttpError } from "./errors.js";
import { SeedError, type Seed } from "./seed.js";
import { placeInstance, placeVolume } from "./instances.js";
import { nowString } from "./state.js";
import { persistedStateSchema, type PersistedState, type UpdateRecord } from "./persisted.js";

/** Everything but the TLS key pair and the trusted client fingerprints, which a reset keeps. */
export const modelSchema = persistedStateSchema.omit({ format: true, tls: true, trusted_fingerprints: true });
export type Model = Omit<PersistedState, "format" | "tls" | "trusted_fingerprints">;

export function emptyModel(): Model {
  return {
    next_server_id: 1,
    servers: [],
    clusters: [],
    creation_inputs: {},
    templates: [],
    artifacts: [],
    seeds: {},
    pending_registrations: [],
    tokens: [],
    token_seeds: [],
    channels: [],
    warnings: [],
    updates: [],
    image_sources: [],
    incus_images: [],
    system: { network: {}, security: {}, settings: {}, updates: {} },
  };
}

/** A stable UUID for a name, so that the same seed gives the same identifiers on every start. */
export function nameUUID(...parts: string[]): string {
  const h = createHash("sha256").update(parts.join("\u0000")).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The channels that must exist: `stable` (the real schema inserts it) and every channel a seed server follows. */
export function ensureChannels(model: Model): void {
  const wanted = new Set(["stable", ...Object.values(model.seeds).map((s) => s.channel)]);
  for (const name of wanted) {
    if (!model.channels.some((c) => c.name === name)) {
      model.channels.push({ name, description: name === "stable" ? "Stable releases" : "", last_updated: nowString() });
    }
  }
}

/** The IncusOS update each OS version the servers run comes from, as the update source lists it. */
export function ensureUpdates(model: Model): void {
  const versions = new Set(Object.values(model.seeds).map((s) => s.os_version));
  for (const version of versions) {
    if (model.updates.some((u) => u.version === version)) continue;
    const uuid = nameUUID("update", version);
    const published = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(version);
    const update: UpdateRecord = {
      uuid,
      origin: "images.linuxcontainers.org",
      version,
      published_at: published === null ? nowString() : `${published[1]}-${published[2]}-${published[3]}T${published[4]}:${published[5]}:00Z`,
      severity: "none",
      channels: ["stable"],
      upstream_channels: ["stable"],
      update_status: "ready",
      url: `https://images.linuxcontainers.org/os/${version}`,
      changelog: `IncusOS ${version}`,
      files: [
        {
          filename: `IncusOS_${version}.img.gz`,
          size: 1_283_457_024,
          sha256: createHash("sha256").update(`img ${version}`).digest("hex"),
          component: "os",
          type: "image-raw",
          architecture: "x86_64",
        },
        {
          filename: `IncusOS_${version}.iso.gz`,
          size: 1_301_225_472,
          sha256: createHash("sha256").update(`iso ${version}`).digest("hex"),
          component: "os",
          type: "image-iso",
          architecture: "x86_64",
        },
        {
          filename: "incus.raw.gz",
          size: 187_695_104,
          sha256: createHash("sha256").update(`incus ${version}`).digest("hex"),
          component: "incus",
          type: "application",
          architecture: "x86_64",
        },
      ],
    };
    model.updates.push(update);
  }
}

async function call(router: Router, method: string, path: string, body: unknown): Promise<{ status: number; text: string }> {
  const match = router.match(method, path);
  if (match.kind !== "found") throw new Error(`no route ${method} ${path}`);
  try {
    const res = await match.handler({ method, path, params: match.params, query: new URLSearchParams(), body: JSON.stringify(body), headers: {} });
    return { status: res.status, text: typeof res.body === "string" ? res.body : res.body.toString("utf8") };
  } catch (err) {
    const answer = toHttpError(err);
    return { status: answer.status, text: JSON.stringify({ error: answer.message }) };
  }
}

function errorText(text: string): string {
  try {
    return String((JSON.parse(text) as { error?: unknown }).error ?? text);
  } catch {
    return text;
  }
}

/** Registers the seed's servers, then creates its templates and clusters and stores its tokens. */
export async function applySeed(ctx: Context, router: Router, seed: Seed, source: string): Promise<void> {
  // Keys are made and signed on the thread pool: the machine certificates are made side by side, then the
  // servers registered in seed order (their internal IDs follow it).
  const certificates = await Promise.all(seed.servers.map((s) => machineCertificate(s.name)));
  for (const [i, server] of seed.servers.entries()) await ctx.register(server, i + 1, certificates[i]);
  ensureChannels(ctx.store.data);
  ensureUpdates(ctx.store.data);
  for (const [i, template] of seed.templates.entries()) {
    const r = await call(router, "POST", "/1.0/provisioning/cluster-templates", template);
    if (r.status !== 201) throw new SeedError(`invalid seed ${source}:\n  templates.${i}: ${errorText(r.text)}`);
  }
  for (const [i, cluster] of seed.clusters.entries()) {
    const body = { ...cluster, connection_url: cluster.connection_url ?? `https://${cluster.name}.example.test:8443` };
    const r = await call(router, "POST", "/1.0/provisioning/clusters", body);
    if (r.status !== 201) throw new SeedError(`invalid seed ${source}:\n  clusters.${i}: ${errorText(r.text)}`);
  }
  // Instances and volumes go on the members of the clusters just created.
  const placing = (kind: string, i: number, place: () => void): void => {
    try {
      place();
    } catch (err) {
      throw new SeedError(`invalid seed ${source}:\n  ${kind}.${i}.${toHttpError(err).message}`);
    }
  };
  for (const [i, input] of seed.instances.entries()) placing("instances", i, () => placeInstance(ctx.store, input));
  for (const [i, input] of seed.storage_volumes.entries()) placing("storage_volumes", i, () => placeVolume(ctx.store, input));
  for (const token of seed.tokens) {
    ctx.store.data.tokens.push({
      uuid: token.uuid ?? randomUUID(),
      uses_remaining: token.uses_remaining,
      expire_at: token.expire_at ?? new Date(Date.now() + 30 * 86_400_000).toISOString(),
      description: token.description,
      channel: token.channel,
      auto_remove: false,
    });
  }
}
