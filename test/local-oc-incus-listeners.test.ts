// Each cluster's Incus API on its own listener with the cluster's certificate, its own trust
// store (application config certificates, POST /1.0/certificates), OC's clients trusted only on
// request, and the incus CLI configuration the local OC keeps for its clusters.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import yaml from "js-yaml";
import { OperationsCenterClient } from "../src/client/index.js";
import { incusRemote } from "../src/client/incus-client.js";
import { createSelfSignedCertificate, certificateFingerprint, type KeyPair } from "../src/local-oc/certificates.js";
import { startLocalOperationsCenter, type LocalOperationsCenterOptions } from "../src/local-oc/index.js";
import { clusterOf, clusterPost, startHarness, type Harness } from "./fixtures/local-oc/helpers.js";

const MAIN = join(dirname(fileURLToPath(import.meta.url)), "..", "src", "cli", "main.js");

interface IncusReply {
  status: number;
  json: { error: string; metadata: unknown } | undefined;
  /** SHA-256 fingerprint of the certificate the listener presented. */
  presented: string;
}

/** A request to a cluster's listener, pinning nothing, reporting the certificate it presented. */
function incusCall(url: string, method: string, path: string, client?: KeyPair, body?: unknown): Promise<IncusReply> {
  return new Promise((resolve, reject) => {
    const req = request(
      url + path,
      {
        method,
        agent: false,
        rejectUnauthorized: false,
        headers: { "Content-Type": "application/json" },
        ...(client === undefined ? {} : { cert: client.certificate, key: client.key }),
      },
      (res) => {
        const presented = (res.socket as import("node:tls").TLSSocket).getPeerCertificate().fingerprint256.replaceAll(":", "").toLowerCase();
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let json: IncusReply["json"];
          try {
            json = JSON.parse(text) as IncusReply["json"];
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, json, presented });
        });
      },
    );
    req.on("error", reject);
    if (body !== undefined) req.write(JSON.stringify(body));
    req.end();
  });
}

async function withCluster(
  fn: (h: Harness, url: string) => Promise<void>,
  extra: Record<string, unknown> = {},
  options: LocalOperationsCenterOptions = {},
): Promise<void> {
  const h = await startHarness({ servers: 3, ...options });
  try {
    const created = await h.call("POST", "/1.0/provisioning/clusters", clusterPost("c1", ["server01", "server02"], extra));
    assert.equal(created.status, 201, created.text);
    const endpoint = h.oc.incusEndpoint("c1");
    assert.ok(endpoint !== undefined, "a ready cluster has a listener");
    await fn(h, endpoint.url);
  } finally {
    await h.close();
  }
}

const harnessClient = (h: Harness): KeyPair => ({ certificate: h.cert, key: h.key });

test("a cluster's listener presents the cluster certificate, and the new one after a certificate PUT", () =>
  withCluster(async (h, url) => {
    const cluster = clusterOf(await h.call("GET", "/1.0/provisioning/clusters/c1"));
    assert.equal((await incusCall(url, "GET", "/1.0")).presented, cluster.fingerprint);
    assert.notEqual(cluster.fingerprint, certificateFingerprint(h.oc.serverCertificate));
    const replacement = await createSelfSignedCertificate({ commonName: "c1 new", usage: "server" });
    const put = await h.call("PUT", "/1.0/provisioning/clusters/c1/certificate", {
      cluster_certificate: replacement.certificate,
      cluster_certificate_key: replacement.key,
    });
    assert.equal(put.status, 200, put.text);
    const after = await incusCall(url, "GET", "/1.0");
    assert.equal(after.presented, certificateFingerprint(replacement.certificate));
    assert.equal(h.oc.incusEndpoint("c1")!.url, url, "the address stays");
  }));

test("a certificate PUT before anyone reached the listener: its first connection presents the new certificate", () =>
  withCluster(async (h, url) => {
    const replacement = await createSelfSignedCertificate({ commonName: "c1 new", usage: "server" });
    const put = await h.call("PUT", "/1.0/provisioning/clusters/c1/certificate", {
      cluster_certificate: replacement.certificate,
      cluster_certificate_key: replacement.key,
    });
    assert.equal(put.status, 200, put.text);
    assert.equal((await incusCall(url, "GET", "/1.0")).presented, certificateFingerprint(replacement.certificate));
  }));

test("an untrusted client sees GET /1.0 as untrusted and is refused everywhere else; OC's own client is not trusted by default", () =>
  withCluster(async (h, url) => {
    const stranger = await createSelfSignedCertificate({ commonName: "stranger", usage: "client" });
    for (const client of [undefined, stranger, harnessClient(h)]) {
      const root = await incusCall(url, "GET", "/1.0", client);
      assert.equal(root.status, 200);
      assert.deepEqual(root.json!.metadata, {
        config: {},
        api_extensions: null,
        api_status: "stable",
        api_version: "1.0",
        auth: "untrusted",
        public: false,
        auth_methods: ["tls"],
      });
      const members = await incusCall(url, "GET", "/1.0/cluster/members", client);
      assert.equal(members.status, 403);
      assert.equal(members.json!.error, "not authorized");
      assert.equal((await incusCall(url, "POST", "/1.0/certificates", client, { type: "client" })).status, 403);
    }
    assert.equal((await h.call("GET", "/incus/c1/1.0/cluster/members")).status, 404, "no shared route without the opt-in");
  }));

test("a certificate from the application config's certificates is trusted by that cluster only", async () => {
  const admin = await createSelfSignedCertificate({ commonName: "incus admin", usage: "client" });
  await withCluster(
    async (h, url) => {
      const root = await incusCall(url, "GET", "/1.0", admin);
      assert.equal((root.json!.metadata as { auth: string }).auth, "trusted");
      assert.equal((await incusCall(url, "GET", "/1.0/cluster/members", admin)).status, 200);
      const listed = await incusCall(url, "GET", "/1.0/certificates?recursion=1", admin);
      assert.deepEqual(
        (listed.json!.metadata as Array<{ name: string; type: string }>).map((c) => [c.name, c.type]),
        [["admin", "client"]],
      );
      assert.equal((await h.call("POST", "/1.0/provisioning/clusters", clusterPost("c2", ["server03"]))).status, 201);
      assert.equal((await incusCall(h.oc.incusEndpoint("c2")!.url, "GET", "/1.0/cluster/members", admin)).status, 403, "trust is per cluster");
    },
    { application_seed_config: { certificates: [{ type: "client", name: "admin", certificate: admin.certificate }] } },
  );
});

test("POST /1.0/certificates adds to the trust store: the new client gets in, a duplicate is 409, a restricted one may read but not change", async () => {
  const admin = await createSelfSignedCertificate({ commonName: "incus admin", usage: "client" });
  await withCluster(
    async (_h, url) => {
      const newcomer = await createSelfSignedCertificate({ commonName: "newcomer", usage: "client" });
      const viewer = await createSelfSignedCertificate({ commonName: "viewer", usage: "client" });
      assert.equal((await incusCall(url, "GET", "/1.0/cluster/members", newcomer)).status, 403);
      const added = await incusCall(url, "POST", "/1.0/certificates", admin, { type: "client", certificate: newcomer.certificate });
      assert.equal(added.status, 201);
      assert.equal((await incusCall(url, "GET", "/1.0/cluster/members", newcomer)).status, 200);
      const one = await incusCall(url, "GET", `/1.0/certificates/${certificateFingerprint(newcomer.certificate)}`, newcomer);
      assert.equal((one.json!.metadata as { name: string }).name, "newcomer", "the name defaults to the common name");
      const again = await incusCall(url, "POST", "/1.0/certificates", admin, { type: "client", certificate: newcomer.certificate });
      assert.deepEqual([again.status, again.json!.error], [409, "Certificate already in trust store"]);
      assert.equal(
        (await incusCall(url, "POST", "/1.0/certificates", admin, { type: "bogus", certificate: viewer.certificate })).json!.error,
        "Invalid certificate type",
      );
      assert.equal((await incusCall(url, "POST", "/1.0/certificates", admin, { type: "client" })).json!.error, "Client is already trusted");
      await incusCall(url, "POST", "/1.0/certificates", admin, { type: "client", certificate: viewer.certificate, restricted: true, projects: ["default"] });
      assert.equal((await incusCall(url, "GET", "/1.0/cluster/members", viewer)).status, 200);
      const write = await incusCall(url, "PATCH", "/1.0", viewer, { config: { "cluster.max_standby": "2" } });
      assert.deepEqual([write.status, write.json!.error], [403, "Certificate is restricted"]);
      const metrics = await createSelfSignedCertificate({ commonName: "metrics", usage: "client" });
      await incusCall(url, "POST", "/1.0/certificates", admin, { type: "metrics", certificate: metrics.certificate });
      assert.equal((await incusCall(url, "GET", "/1.0/cluster/members", metrics)).status, 403, "only client certificates open the API");
    },
    { application_seed_config: { certificates: [{ type: "client", name: "admin", certificate: admin.certificate }] } },
  );
});

test("OC's trusted clients get into the clusters only with the opt-in, which also serves the shared route", () =>
  withCluster(
    async (h, url) => {
      assert.equal((await incusCall(url, "GET", "/1.0/cluster/members", harnessClient(h))).status, 200);
      assert.equal((await h.call("GET", "/incus/c1/1.0/cluster/members")).status, 200);
    },
    {},
    { incusTrustOperationsCenterClients: true, incusSharedRoute: true },
  ));

/** A GET over a connection of its own, offering `session`; what it answered, whether it resumed, and the session it gave. */
function sessionGet(url: string, client: KeyPair, session?: Buffer): Promise<{ status: number; resumed: boolean; session?: Buffer }> {
  return new Promise((resolve, reject) => {
    let ticket: Buffer | undefined;
    const req = request(
      url,
      { agent: false, rejectUnauthorized: false, cert: client.certificate, key: client.key, ...(session === undefined ? {} : { session }) },
      (res) => {
        const socket = res.socket as import("node:tls").TLSSocket;
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode ?? 0, resumed: socket.isSessionReused(), ...(ticket === undefined ? {} : { session: ticket }) }));
      },
    );
    req.on("socket", (socket) => socket.on("session", (next: Buffer) => (ticket = next)));
    req.on("error", reject);
    req.end();
  });
}

test("OC's listener and a cluster's Incus listener issue TLS session tickets, and a resumed connection keeps the client certificate of its first handshake", () =>
  withCluster(
    async (h, url) => {
      for (const [listener, path] of [
        [h.oc.url, "/1.0/provisioning/servers"],
        [url, "/1.0/cluster/members"],
      ] as const) {
        const first = await sessionGet(listener + path, harnessClient(h));
        assert.deepEqual([first.status, first.resumed], [200, false], listener);
        assert.ok(first.session !== undefined, `${listener} sent no session ticket`);
        const again = await sessionGet(listener + path, harnessClient(h), first.session);
        assert.deepEqual([again.status, again.resumed], [200, true], listener);
      }
    },
    {},
    { incusTrustOperationsCenterClients: true },
  ));

test("the scripted faults and the kill point name a listener's requests as logged, /incus/{cluster}/1.0/...", () =>
  withCluster(
    async (h, url) => {
      const groups = "/incus/c1/1.0/cluster/groups";
      const post = (name: string) => incusCall(url, "POST", "/1.0/cluster/groups", harnessClient(h), { name, description: "", members: ["server01"] });
      const exists = async (name: string) => (await incusCall(url, "GET", `/1.0/cluster/groups/${name}`, harnessClient(h))).status === 200;
      h.oc.setFaults({ next: [{ method: "POST", path: groups, fault: "drop" }] });
      await assert.rejects(post("dropped"), /socket hang up|ECONNRESET/);
      assert.equal(await exists("dropped"), false, "drop: not handled");
      h.oc.setFaults({ next: [{ method: "POST", path: groups, fault: "lose-reply" }] });
      await assert.rejects(post("handled"), /socket hang up|ECONNRESET/);
      assert.equal(await exists("handled"), true, "lose-reply: handled, only the answer lost");

      h.oc.setFaults({ after: { method: "POST", path: groups, then: "fail" } });
      assert.equal((await post("gpu")).status, 201, "the named request itself is answered");
      assert.equal((await incusCall(url, "GET", "/1.0/cluster/groups", harnessClient(h))).status, 503, "the listener's next request");
      assert.equal((await h.call("GET", "/1.0/provisioning/servers")).status, 503, "and Operations Center's");
      h.oc.setFaults({});
      assert.equal(await exists("gpu"), true);
      assert.deepEqual(
        h.oc.requests.filter((r) => r.method === "POST" && r.path === groups).map((r) => `${r.path} ${r.status}`),
        [`${groups} 0`, `${groups} 0`, `${groups} 201`],
      );
    },
    {},
    { incusTrustOperationsCenterClients: true },
  ));

test("the incus CLI configuration has a remote per cluster with its server certificate, rewritten on rename, certificate change and delete", async () => {
  const dir = mkdtempSync(join(tmpdir(), "local-oc-incus-conf-"));
  try {
    await withCluster(async (h, url) => {
      await h.oc.writeIncusConfig(dir);
      const config = () =>
        yaml.load(readFileSync(join(dir, "config.yml"), "utf8")) as { "default-remote": string; remotes: Record<string, Record<string, unknown>> };
      assert.deepEqual(config().remotes, { c1: { addr: url, auth_type: "tls", project: "default", protocol: "incus", public: false } });
      assert.equal(readFileSync(join(dir, "servercerts", "c1.crt"), "utf8"), h.oc.incusEndpoint("c1")!.certificate);
      assert.equal(readFileSync(join(dir, "client.crt"), "utf8"), h.cert, "the client certificate of the local OC's client config");
      assert.equal((await h.call("POST", "/1.0/provisioning/clusters/c1", { name: "c9" })).status, 201);
      assert.deepEqual(Object.keys(config().remotes), ["c9"]);
      assert.equal(config().remotes["c9"]!["addr"], url, "a renamed cluster keeps its address");
      assert.ok(!existsSync(join(dir, "servercerts", "c1.crt")));
      const replacement = await createSelfSignedCertificate({ commonName: "c9 new", usage: "server" });
      await h.call("PUT", "/1.0/provisioning/clusters/c9/certificate", {
        cluster_certificate: replacement.certificate,
        cluster_certificate_key: replacement.key,
      });
      assert.equal(readFileSync(join(dir, "servercerts", "c9.crt"), "utf8"), replacement.certificate);
      assert.equal((await h.call("DELETE", "/1.0/provisioning/clusters/c9?mode=force")).status, 200);
      assert.deepEqual(config().remotes, {});
      assert.ok(!existsSync(join(dir, "servercerts", "c9.crt")));
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a restarted local OC serves its clusters again with the same certificate and trust store, at a new address", async () => {
  const dir = mkdtempSync(join(tmpdir(), "local-oc-incus-state-"));
  const statePath = join(dir, "state.json");
  const admin = await createSelfSignedCertificate({ commonName: "incus admin", usage: "client" });
  const newcomer = await createSelfSignedCertificate({ commonName: "newcomer", usage: "client" });
  try {
    const h = await startHarness({ servers: 2, statePath });
    let fingerprint: string;
    try {
      await h.call(
        "POST",
        "/1.0/provisioning/clusters",
        clusterPost("c1", ["server01"], { application_seed_config: { certificates: [{ type: "client", name: "admin", certificate: admin.certificate }] } }),
      );
      const url = h.oc.incusEndpoint("c1")!.url;
      fingerprint = (await incusCall(url, "GET", "/1.0")).presented;
      assert.equal((await incusCall(url, "POST", "/1.0/certificates", admin, { type: "client", certificate: newcomer.certificate })).status, 201);
    } finally {
      await h.close();
    }
    const again = await startLocalOperationsCenter({ statePath });
    try {
      const url = again.incusEndpoint("c1")!.url;
      const reply = await incusCall(url, "GET", "/1.0/cluster/members", newcomer);
      assert.deepEqual([reply.status, reply.presented], [200, fingerprint]);
    } finally {
      await again.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("oc-cdktf local-oc --write-incus-config keeps a remote per cluster that the Incus client reaches with --incus-trust-oc-clients", async () => {
  const dir = mkdtempSync(join(tmpdir(), "local-oc-incus-cli-"));
  const child = spawn(
    process.execPath,
    [MAIN, "local-oc", "--servers", "2", "--write-client-config", join(dir, "oc"), "--write-incus-config", join(dir, "incus"), "--incus-trust-oc-clients"],
    {
      stdio: ["ignore", "pipe", "ignore"],
    },
  );
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no listening line within 20 s")), 20_000);
      createInterface({ input: child.stdout! }).on("line", (line) => {
        const match = /^listening on (\S+)$/.exec(line);
        if (match !== null) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
    });
    const api = OperationsCenterClient.fromEnvironment({ env: { OPERATIONS_CENTER_CONF: join(dir, "oc") } });
    try {
      assert.equal(api.url, url);
      await api.request("POST", "/1.0/provisioning/clusters", { body: clusterPost("c1", ["server01", "server02"]) });
    } finally {
      await api.close();
    }
    const remote = incusRemote(join(dir, "incus"), "c1")!;
    assert.equal(remote.urls.length, 1);
    assert.notEqual(remote.urls[0], url, "the cluster has its own listener");
    const incus = new OperationsCenterClient({
      url: remote.urls[0]!,
      serverCertificate: remote.serverCertificate!,
      clientCertificate: remote.clientCertificate,
      clientKey: remote.clientKey,
      retries: 0,
    });
    try {
      assert.equal((await incus.request("GET", "/1.0/cluster/members")).status, 200);
    } finally {
      await incus.close();
    }
    child.kill("SIGTERM");
    assert.equal(await exited, 0);
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
});
