// Conformance of the local Operations Center with the official OpenAPI spec (operations-center@41a98e0
// doc/rest-api.yaml): every path and
// method of the spec is called against a seeded local OC, and its status code, envelope and
// metadata (validated with the zod shapes derived from the spec, every property required) are
// checked. A route either conforms or deviates on purpose, for a reason listed here (where the
// real server's code disagrees with the spec, the code wins). The table of counts is
// printed.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { specOperations } from "../src/local-oc/spec-definitions.js";
import { responseMetadataSchema } from "../src/local-oc/spec-shapes.js";
import { createSelfSignedCertificate } from "../src/local-oc/certificates.js";
import type { SeedDocument } from "../src/local-oc/index.js";
import { z } from "zod";
import { ENVELOPE_KEYS, metadataOf, rawCall, startHarness, type Harness, type Reply } from "./fixtures/local-oc/helpers.js";

type Call = (method: string, path: string, body?: unknown) => Promise<Reply>;

interface Case {
  /** The path to call instead of the spec's (parameters filled in, or the real router's path). */
  path?: string;
  body?: unknown | ((call: Call) => Promise<unknown>);
  /** Runs first (after the model was restored): brings the model into the state the route needs. */
  prepare?: (call: Call) => Promise<void>;
  /** The status the real server answers when it is not the spec's 200. */
  status?: number;
  /** Why this route deviates from the spec on purpose. */
  deviation?: string;
  /** Issues of the metadata against the spec shape that are the real server's encoding (paths). */
  knownIssues?: string[];
}

const SYNC_201 = "201 Created with a Location: SyncResponseLocation (operations-center internal/util/response/response.go); the spec says 200";
const IMAGE_PATH = "the spec writes /1.0/image/incus; the real router serves /1.0/images/incus (code wins)";
const UPLOAD = "uploading an archive (multipart or tar) is not simulated: 400";

const INCUSOS_OMITEMPTY = "the IncusOS network document as IncusOS encodes it: its omitempty fields are absent when empty";
const CLUSTER_ENCODING: Case = {
  knownIssues: [
    "update_status.needs_update",
    "update_status.needs_reboot",
    "update_status.in_maintenance",
    "update_status.in_progress_status.evacuated_before",
    "update_status.in_progress_status.pending_reboot",
    "update_status.in_progress_status.status_description",
  ],
  deviation:
    "Go encoding wins: update_status' three lists are omitempty, evacuated_before/pending_reboot are nil slices (null) while no run is active, status_description is an omitempty *string",
};
const SERVER_NETWORK: Case = { knownIssues: ["os_data.network."], deviation: INCUSOS_OMITEMPTY };
/** Inventory kinds the simulated clusters have no objects of (nothing runs on them). */
const EMPTY_KINDS = [
  "images",
  "instances",
  "network_acls",
  "network_address_sets",
  "network_forwards",
  "network_integrations",
  "network_load_balancers",
  "network_peers",
  "network_zones",
  "storage_buckets",
];

const S = "/1.0/provisioning/servers";
const C = "/1.0/provisioning/clusters";
const T = "/1.0/provisioning/cluster-templates";

const ids = { token: "", update: "", warning: "", inventory: {} as Record<string, string>, newCert: { certificate: "", key: "" } };

function cases(): Record<string, Case> {
  const tokenBody = { uses_remaining: 3, expire_at: new Date(Date.now() + 86_400_000).toISOString(), description: "rack 4", channel: "stable" };
  const inv = (kind: string) => ids.inventory[kind] ?? "00000000-0000-4000-8000-000000000000";
  const out: Record<string, Case> = {
    "GET /1.0/image/incus": { path: "/1.0/images/incus", deviation: IMAGE_PATH },
    "GET /1.0/image/incus?recursion=1": { path: "/1.0/images/incus?recursion=1", deviation: IMAGE_PATH },
    "POST /1.0/image/incus": { path: "/1.0/images/incus", status: 400, deviation: `${IMAGE_PATH}; ${UPLOAD}` },
    "GET /1.0/image/incus/{name}": { path: "/1.0/images/incus/debian-12", deviation: IMAGE_PATH },
    "PUT /1.0/image/incus/{name}": {
      path: "/1.0/images/incus/debian-12",
      body: { description: "Debian 12", aliases: ["debian/12"] },
      status: 201,
      deviation: `${IMAGE_PATH}; ${SYNC_201}`,
    },
    "DELETE /1.0/image/incus/{name}": { path: "/1.0/images/incus/debian-12", deviation: IMAGE_PATH },
    "DELETE /1.0/image/incus/{name}/{version}": { path: "/1.0/images/incus/debian-12/20260801_05:24", deviation: IMAGE_PATH },
    "GET /1.0/image/incus/{name}/{version}/{filename}": { path: "/1.0/images/incus/debian-12/20260801_05:24/incus.tar.xz", deviation: IMAGE_PATH },
    "POST /1.0/images/incus/sources": {
      body: { name: "mirror", url: "https://images.example.test/", filter_expression: "" },
      status: 201,
      deviation: SYNC_201,
    },
    "GET /1.0/images/incus/sources/{name}": { path: "/1.0/images/incus/sources/upstream" },
    "PUT /1.0/images/incus/sources/{name}": {
      path: "/1.0/images/incus/sources/upstream",
      body: { url: "https://images.example.test/", filter_expression: "" },
      status: 201,
      deviation: SYNC_201,
    },
    "DELETE /1.0/images/incus/sources/{name}": { path: "/1.0/images/incus/sources/upstream" },
    "POST /1.0/images/incus/sources/{name}/:refresh": { path: "/1.0/images/incus/sources/upstream/:refresh" },
    "POST /1.0/provisioning/channels": { body: { name: "candidate", description: "" }, status: 201, deviation: SYNC_201 },
    "GET /1.0/provisioning/channels/{name}": { path: "/1.0/provisioning/channels/stable" },
    "PUT /1.0/provisioning/channels/{name}": {
      path: "/1.0/provisioning/channels/stable",
      body: { description: "Stable releases" },
      status: 201,
      deviation: SYNC_201,
    },
    "DELETE /1.0/provisioning/channels/{name}": { path: "/1.0/provisioning/channels/lts" },
    "GET /1.0/provisioning/channels/{name}/changelog": { path: "/1.0/provisioning/channels/stable/changelog" },
    "POST /1.0/provisioning/cluster-templates": {
      body: { name: "t2", description: "", service_config_template: "", application_config_template: "", variables: {} },
      status: 201,
      deviation: SYNC_201,
    },
    "GET /1.0/provisioning/cluster-templates/{name}": { path: `${T}/edge` },
    "PUT /1.0/provisioning/cluster-templates/{name}": {
      path: `${T}/edge`,
      body: {
        description: "x",
        service_config_template: "lvm:\n  enabled: @LVM@\n",
        application_config_template: "",
        variables: { LVM: { description: "", default: "true" } },
      },
      status: 201,
      deviation: SYNC_201,
    },
    "POST /1.0/provisioning/cluster-templates/{name}": { path: `${T}/edge`, body: { name: "edge2" }, status: 201, deviation: SYNC_201 },
    "DELETE /1.0/provisioning/cluster-templates/{name}": { path: `${T}/edge` },
    "POST /1.0/provisioning/clusters": {
      body: { name: "c2", connection_url: "https://c2.example.test:8443", server_names: ["server03"], server_type: "incus" },
      status: 201,
      deviation: SYNC_201,
    },
    "GET /1.0/provisioning/clusters/{clusterName}/artifacts": { path: `${C}/prod/artifacts` },
    "GET /1.0/provisioning/clusters/{clusterName}/artifacts?recursion=1": { path: `${C}/prod/artifacts?recursion=1` },
    "GET /1.0/provisioning/clusters/{clusterName}/artifacts/{artifactName}": { path: `${C}/prod/artifacts/terraform-configuration` },
    "GET /1.0/provisioning/clusters/{clusterName}/artifacts/{artifactName}/{filename}": {
      path: `${C}/prod/artifacts/terraform-configuration/application-seed-config.json`,
    },
    "GET /1.0/provisioning/clusters/{name}": { path: `${C}/prod`, ...CLUSTER_ENCODING },
    "GET /1.0/provisioning/clusters?recursion=1": CLUSTER_ENCODING,
    "GET /1.0/provisioning/servers?recursion=1": SERVER_NETWORK,
    "PUT /1.0/provisioning/clusters/{name}": {
      path: `${C}/prod`,
      body: {
        connection_url: "https://prod.example.test:8443",
        channel: "stable",
        description: "",
        properties: {},
        config: { rolling_restart: { post_restore_delay: "", restore_mode: "" } },
      },
      status: 201,
      deviation: SYNC_201,
    },
    "POST /1.0/provisioning/clusters/{name}": { path: `${C}/prod`, body: { name: "prod2" }, status: 201, deviation: SYNC_201 },
    "DELETE /1.0/provisioning/clusters/{name}": { path: `${C}/prod?mode=force` },
    "POST /1.0/provisioning/clusters/{name}/:add-servers": {
      path: `${C}/prod/:add-servers`,
      body: { server_names: ["server03"] },
      status: 201,
      deviation: SYNC_201,
    },
    "POST /1.0/provisioning/clusters/{name}/:bulk-update": {
      path: `${C}/prod/:bulk-update`,
      body: { action: "add_network_interface_vlan_tags", arguments: { interface_name: "eth0", vlan_tags: [100] } },
    },
    "POST /1.0/provisioning/clusters/{name}/:cancel-operation": { path: `${C}/prod/:cancel-operation` },
    "POST /1.0/provisioning/clusters/{name}/:reboot": { path: `${C}/prod/:reboot` },
    "POST /1.0/provisioning/clusters/{name}/:remove-servers": {
      path: `${C}/prod/:remove-servers`,
      prepare: async (call: Call) => {
        await call("POST", `${S}/server02/system/:evacuate`);
      },
      body: { server_names: ["server02"] },
      status: 201,
      deviation: SYNC_201,
    },
    "POST /1.0/provisioning/clusters/{name}/:resync-inventory": { path: `${C}/prod/:resync-inventory` },
    "POST /1.0/provisioning/clusters/{name}/:update": { path: `${C}/prod/:update`, body: { reboot: false } },
    "PUT /1.0/provisioning/clusters/{name}/certificate": {
      path: `${C}/prod/certificate`,
      body: async () => {
        const pair = await createSelfSignedCertificate({ commonName: "prod", usage: "server" });
        return { cluster_certificate: pair.certificate, cluster_certificate_key: pair.key };
      },
    },
    "POST /1.0/provisioning/servers": { body: { name: "server09", description: "", properties: {} }, status: 201, deviation: SYNC_201 },
    "PUT /1.0/provisioning/servers/:self": {
      body: { connection_url: "https://192.0.2.13:8443" },
      status: 500,
      deviation: "only a registered server's own certificate may call it; with the operator's certificate OC fails the lookup (500)",
    },
    "POST /1.0/provisioning/servers/:self_register": {
      status: 500,
      deviation: "OC accepts it only from the IncusOS it runs on; the local OC runs on none (500)",
    },
    "GET /1.0/provisioning/servers/{name}": { path: `${S}/server01`, ...SERVER_NETWORK },
    "PUT /1.0/provisioning/servers/{name}": {
      path: `${S}/server03`,
      body: {
        public_connection_url: "",
        description: "spare",
        properties: {},
        channel: "stable",
        bmc_config: { api_type: "redfish", endpoint: "https://192.0.2.203", username: "admin", password: "x", certificate: "", auto_pin_certificate: true },
      },
    },
    "POST /1.0/provisioning/servers/{name}": { path: `${S}/server03`, body: { name: "server03b" }, status: 201, deviation: SYNC_201 },
    "DELETE /1.0/provisioning/servers/{name}": { path: `${S}/server03` },
    "POST /1.0/provisioning/servers/{name}/:resync": { path: `${S}/server03/:resync` },
    "POST /1.0/provisioning/servers/{name}/bmc/:apply-bios-attributes": {
      path: `${S}/server03/bmc/:apply-bios-attributes`,
      body: { attributes: { BootMode: "UEFI" } },
    },
    "POST /1.0/provisioning/servers/{name}/bmc/:server-locate": { path: `${S}/server03/bmc/:server-locate`, body: { active: true } },
    "GET /1.0/provisioning/servers/{name}/bmc/bios-attributes/{attributeName}": { path: `${S}/server03/bmc/bios-attributes/BootMode` },
    "GET /1.0/provisioning/servers/{name}/bmc/logs/{logSource}": { path: `${S}/server03/bmc/logs/SEL` },
    "POST /1.0/provisioning/servers/{name}/system/:update": {
      path: `${S}/server03/system/:update`,
      body: { os: { name: "IncusOS", trigger_update: true }, applications: [] },
    },
    "PUT /1.0/provisioning/servers/{name}/system/network": {
      path: `${S}/server03/system/network`,
      body: async (call: Call) => (await call("GET", `${S}/server03/system/network`)).json!.metadata,
    },
    "GET /1.0/provisioning/servers/{name}/system/network": {
      path: `${S}/server03/system/network`,
      knownIssues: ["config.", "state."],
      deviation: INCUSOS_OMITEMPTY,
    },
    "PUT /1.0/provisioning/servers/{name}/system/storage": {
      path: `${S}/server03/system/storage`,
      body: { config: { pools: [], scrub_schedule: "0 4 * * 0" } },
    },
    "PUT /1.0/provisioning/servers/{name}/system/update": {
      path: `${S}/server03/system/update`,
      body: { config: { auto_reboot: false, channel: "stable", check_frequency: "6h", maintenance_windows: [] } },
    },
    "POST /1.0/provisioning/tokens": { body: tokenBody, status: 201, deviation: SYNC_201 },
    "PUT /1.0/provisioning/tokens/{uuid}": { body: tokenBody, status: 201, deviation: SYNC_201 },
    "POST /1.0/provisioning/tokens/{uuid}/image": { body: { type: "iso", architecture: "x86_64", seeds: {} }, status: 201, deviation: SYNC_201 },
    "POST /1.0/provisioning/tokens/{uuid}/seeds": { body: { name: "rack5", description: "", public: false, seeds: {} }, status: 201, deviation: SYNC_201 },
    "PUT /1.0/provisioning/tokens/{uuid}/seeds/{name}": { body: { description: "rack 4", public: true, seeds: {} }, status: 201, deviation: SYNC_201 },
    "DELETE /1.0/provisioning/updates": {},
    "POST /1.0/provisioning/updates": { status: 400, deviation: UPLOAD },
    "POST /1.0/provisioning/updates/:refresh": {
      status: 202,
      deviation: "the only async endpoint: 202 with type async (operations-center internal/api/api_provisioning_update.go, updatesRefreshPost)",
    },
    "PUT /1.0/provisioning/updates/{uuid}": { body: { channels: ["stable"] }, status: 201, deviation: SYNC_201 },
    "PUT /1.0/system/network": { body: async (call: Call) => (await call("GET", "/1.0/system/network")).json!.metadata },
    "PUT /1.0/system/security": { body: async (call: Call) => (await call("GET", "/1.0/system/security")).json!.metadata },
    "PUT /1.0/system/settings": { body: { log_level: "INFO", server_registration_scriptlet: "" } },
    "PUT /1.0/system/updates": { body: async (call: Call) => (await call("GET", "/1.0/system/updates")).json!.metadata },
    "PUT /1.0/warnings/{uuid}": { body: { status: "acknowledged" }, status: 201, deviation: SYNC_201 },
  };
  for (const kind of EMPTY_KINDS) {
    const none = { status: 404, deviation: "the simulated clusters hold no such objects: an unknown UUID is 404 Not found, as on the real server" };
    out[`GET /1.0/inventory/${kind}/{uuid}`] = { ...none };
    out[`POST /1.0/inventory/${kind}/{uuid}/:resync`] = { ...none };
  }
  for (const [key, c] of Object.entries(out)) {
    if (c.path === undefined) c.path = key.slice(key.indexOf(" ") + 1);
  }
  return Object.fromEntries(
    Object.entries(out).map(([key, c]) => [
      key,
      {
        ...c,
        path: c
          .path!.replace("{uuid}/seeds/{name}", `${ids.token}/seeds/rack4`)
          .replace("tokens/{uuid}", `tokens/${ids.token}`)
          .replace("updates/{uuid}", `updates/${ids.update}`)
          .replace("warnings/{uuid}", `warnings/${ids.warning}`)
          .replace("{imageUUID}", "9d73586d-2937-4e3e-8b4b-3c9f0e2d7a11")
          .replace("files/{filename}", "files/incus.raw.gz")
          .replace(/inventory\/([a-z_]+)\/\{uuid\}/, (_m, kind: string) => `inventory/${kind}/${inv(kind)}`),
      },
    ]),
  );
}

/** The concrete path of a spec path with no case of its own. */
function defaultPath(path: string): string {
  return path
    .replace(/^\/1\.0\/provisioning\/servers\/\{name\}/, `${S}/server03`)
    .replace("/channels/{name}", "/channels/stable")
    .replace("tokens/{uuid}/seeds/{name}", `tokens/${ids.token}/seeds/rack4`)
    .replace("tokens/{uuid}", `tokens/${ids.token}`)
    .replace("{imageUUID}", "9d73586d-2937-4e3e-8b4b-3c9f0e2d7a11")
    .replace("updates/{uuid}", `updates/${ids.update}`)
    .replace("files/{filename}", "files/incus.raw.gz")
    .replace("warnings/{uuid}", `warnings/${ids.warning}`)
    .replace(/inventory\/([a-z_]+)\/\{uuid\}/, (_m, kind: string) => `inventory/${kind}/${ids.inventory[kind] ?? "00000000-0000-4000-8000-000000000000"}`);
}

const SEED: SeedDocument = {
  servers: [{ name: "server01" }, { name: "server02" }, { name: "server03" }, { name: "server04", status: "offline" }],
  templates: [{ name: "edge", service_config_template: "lvm:\n  enabled: @LVM@\n", variables: { LVM: { description: "", default: "true" } } }],
  clusters: [
    {
      name: "prod",
      server_names: ["server01", "server02"],
      application_seed_config: {
        networks: [{ name: "uplink", type: "physical", config: { parent: "eth1" } }],
        storage_pools: [{ name: "remote", driver: "ceph", config: {} }],
      },
    },
  ],
  tokens: [{ uses_remaining: 5, description: "rack 4" }],
};

let h: Harness;
let baseline: unknown;
let ca: string;
const call: Call = (method, path, body) => rawCall(h.oc.url, ca, method, path, body, { cert: h.cert, key: h.key });

before(async () => {
  h = await startHarness({ seed: SEED, createDelayMs: 0, reregisterDelayMs: 3_600_000, updateStepMs: 3_600_000 });
  ca = h.oc.serverCertificate;
  // The first object of a list, for its uuid.
  const firstUuid = (reply: Reply): string => metadataOf(reply, z.array(z.looseObject({ uuid: z.string() })))[0]!.uuid;
  ids.token = firstUuid(await call("GET", "/1.0/provisioning/tokens?recursion=1"));
  assert.equal((await call("POST", `/1.0/provisioning/tokens/${ids.token}/seeds`, { name: "rack4", description: "", public: false, seeds: {} })).status, 201);
  assert.equal((await call("POST", "/1.0/provisioning/channels", { name: "lts", description: "" })).status, 201);
  assert.equal((await call("POST", "/1.0/images/incus/sources", { name: "upstream", url: "https://images.example.test/", filter_expression: "" })).status, 201);
  ids.update = firstUuid(await call("GET", "/1.0/provisioning/updates?recursion=1"));
  ids.warning = firstUuid(await call("GET", "/1.0/warnings"));
  for (const kind of ["networks", "profiles", "projects", "storage_pools", "storage_volumes"]) {
    ids.inventory[kind] = firstUuid(await call("GET", `/1.0/inventory/${kind}?recursion=1`));
  }
  // An Incus image as the image source refresh would have stored it (uploads are not simulated).
  const model = h.oc.saveSnapshot();
  model.incus_images.push({
    name: "debian-12",
    os: "Debian",
    release: "bookworm",
    arch: "amd64",
    variant: "default",
    description: "",
    aliases: ["debian/12"],
    versions: {
      "20260801_05:24": {
        items: {
          "incus.tar.xz": {
            ftype: "incus.tar.xz",
            sha256: "0".repeat(64),
            size: 852,
            path: "images/debian/bookworm/amd64/default/20260801_05:24/incus.tar.xz",
          },
        },
      },
    },
    last_updated: new Date().toISOString(),
  });
  h.oc.restoreSnapshot(model);
  baseline = h.oc.saveSnapshot();
});
after(() => h.close());

interface Row {
  route: string;
  outcome: "conforming" | "deviating" | "failing";
  note: string;
}

function metadataIssues(response: string | null, metadata: unknown): string[] {
  if (response === null) return [];
  const schema = responseMetadataSchema(response);
  if (schema === undefined) return [];
  const result = schema.safeParse(metadata);
  return result.success ? [] : result.error.issues.map((i) => i.path.join("."));
}

/** A dotted issue path without its list index at the top (lists are checked item by item). */
const normalise = (path: string, list: boolean) => (list ? path.replace(/^\d+\./, "") : path);

test("every route of the spec answers with its status, the envelope and the spec's shapes", async () => {
  const table = cases();
  const rows: Row[] = [];
  // The certificate routes replace the TLS key pair, so they run last.
  const ordered = [...specOperations].sort((a, b) => Number(a[1].startsWith("/1.0/system/certificate")) - Number(b[1].startsWith("/1.0/system/certificate")));
  for (const [method, specPath, response] of ordered) {
    const route = `${method} ${specPath}`;
    if (specPath.startsWith("/1.0/system/certificate")) continue;
    h.oc.restoreSnapshot(baseline);
    const c = table[route] ?? {};
    const path = c.path ?? defaultPath(specPath);
    await c.prepare?.(call);
    const body = typeof c.body === "function" ? await (c.body as (call: Call) => Promise<unknown>)(call) : c.body;
    const reply = await call(method, path, body);
    const expected = c.status ?? 200;
    const problems: string[] = [];
    if (reply.status !== expected) problems.push(`status ${reply.status}, expected ${expected}: ${reply.text.slice(0, 200)}`);
    // The spec declares a file (or a simplestreams document) here, not the envelope.
    const raw = response === null && method === "GET";
    if (!raw && reply.status < 300) {
      if (reply.json === undefined || JSON.stringify(Object.keys(reply.json)) !== JSON.stringify(ENVELOPE_KEYS)) problems.push("not the seven-key envelope");
      else {
        const list = Array.isArray(reply.json.metadata);
        const issues = metadataIssues(response, reply.json.metadata).map((p) => normalise(p, list));
        // A known issue ending in "." covers everything under it.
        const known = (p: string) => (c.knownIssues ?? []).some((k) => (k.endsWith(".") ? p.startsWith(k) : p === k));
        const unexplained = [...new Set(issues)].filter((p) => !known(p));
        if (unexplained.length > 0) problems.push(`metadata does not match ${response}: ${unexplained.slice(0, 8).join(", ")}`);
      }
    }
    if (raw && reply.status === 200 && reply.json !== undefined && JSON.stringify(Object.keys(reply.json)) === JSON.stringify(ENVELOPE_KEYS)) {
      problems.push("an envelope where the spec declares a raw file");
    }
    rows.push(
      problems.length > 0
        ? { route, outcome: "failing", note: problems.join("; ") }
        : c.deviation !== undefined
          ? { route, outcome: "deviating", note: c.deviation }
          : { route, outcome: "conforming", note: "" },
    );
  }

  // The TLS key pair routes: a new certificate is served from the next connection on.
  h.oc.restoreSnapshot(baseline);
  ids.newCert = await createSelfSignedCertificate({ commonName: "local-oc", usage: "server", ipAddresses: ["127.0.0.1"] });
  const posted = await call("POST", "/1.0/system/certificate", ids.newCert);
  rows.push(
    posted.status === 200
      ? { route: "POST /1.0/system/certificate", outcome: "conforming", note: "" }
      : { route: "POST /1.0/system/certificate", outcome: "failing", note: posted.text },
  );
  ca = ids.newCert.certificate;
  const renewed = await call("POST", "/1.0/system/certificate/:renew");
  rows.push(
    renewed.status === 200
      ? { route: "POST /1.0/system/certificate/:renew", outcome: "conforming", note: "" }
      : { route: "POST /1.0/system/certificate/:renew", outcome: "failing", note: renewed.text },
  );

  const count = (o: Row["outcome"]) => rows.filter((r) => r.outcome === o).length;
  const reasons = new Map<string, string[]>();
  for (const r of rows.filter((x) => x.outcome === "deviating")) reasons.set(r.note, [...(reasons.get(r.note) ?? []), r.route]);
  const lines = [
    `local Operations Center vs the official spec: ${rows.length} routes (${specOperations.length} in the spec)`,
    `  conforming:            ${count("conforming")}`,
    `  deviating on purpose:  ${count("deviating")}`,
    ...[...reasons].map(([reason, routes]) => `    ${String(routes.length).padStart(3)}  ${reason}`),
    `  failing:               ${count("failing")}`,
    ...rows.filter((r) => r.outcome === "failing").map((r) => `    ${r.route}: ${r.note}`),
  ];
  console.log(lines.join("\n"));
  assert.equal(rows.length, specOperations.length);
  assert.deepEqual(
    rows.filter((r) => r.outcome === "failing").map((r) => `${r.route}: ${r.note}`),
    [],
  );
});
