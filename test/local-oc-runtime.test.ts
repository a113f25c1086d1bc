// The local Operations Center as a tool: driven by the project client through the written CLI
// configuration, faults, persistence across a restart, seed validation, the UI directory, and
// the `oc-cdktf local-oc` process.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";
import { OperationsCenterClient, resolveRemote, OperationsCenterError } from "../src/client/index.js";
import { startLocalOperationsCenter, SeedError } from "../src/local-oc/index.js";
import { z } from "zod";
import { clusterOf, clusterPost, metadataOf, rawCall, startHarness } from "./fixtures/local-oc/helpers.js";

const here = dirname(fileURLToPath(import.meta.url));
const MAIN = join(here, "..", "src", "cli", "main.js");
const C = "/1.0/provisioning/clusters";

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "local-oc-rt-"));
}

describe("local OC: through the project client", () => {
  it("creates, reads, updates and bulk-updates a cluster with the client from the written config", async () => {
    // No self-update poll during the test: OC's stored copy changes only on the :resync below.
    const h = await startHarness({ servers: 3, selfUpdatePollDelayMs: 3_600_000 });
    const client = OperationsCenterClient.fromRemote(resolveRemote({ configDir: h.configDir, env: {} }), { retries: 0 });
    try {
      const info = await client.getServerInfo();
      assert.equal(info.auth, "tls");
      const free = await client.listServers({ filter: "cluster == nil" });
      assert.deepEqual(
        free.map((s) => s.name),
        ["server01", "server02", "server03"],
      );
      await client.createCluster({ name: "k", connection_url: "https://k.example.test", server_names: ["server01", "server02"], server_type: "incus" });
      const { cluster, etag } = await client.getCluster("k");
      assert.equal(cluster.status, "ready");
      await client.updateCluster(
        "k",
        { connection_url: cluster.connection_url, channel: "stable", description: "via client", properties: {}, config: cluster.config },
        { ifMatch: etag! },
      );
      await assert.rejects(
        client.updateCluster("k", { connection_url: "", channel: "stable", description: "", properties: {}, config: cluster.config }, { ifMatch: etag! }),
        (err: unknown) => err instanceof OperationsCenterError && err.status === 412,
      );
      await client.addClusterServers("k", { server_names: ["server03"] });
      await client.bulkUpdateCluster("k", "add_network_interface_vlan_tags", { interface_name: "eth0", vlan_tags: [42] });
      // OC answers from its stored copy, which the bulk action leaves as it was until a poll.
      assert.equal((await client.getServerNetwork("server03")).config?.interfaces?.[0]?.vlan_tags, undefined);
      assert.equal((await h.call("POST", "/1.0/provisioning/servers/server03/:resync")).status, 200);
      const net = await client.getServerNetwork("server03");
      assert.deepEqual(net.config?.interfaces?.[0]?.vlan_tags, [42]);
      await client.evacuateServer("server03");
      await client.removeClusterServers("k", ["server03"]);
      await assert.rejects(client.getCluster("ghost"), (err: unknown) => err instanceof OperationsCenterError && err.status === 404);
      await client.deleteCluster("k", { mode: "force" });
    } finally {
      await client.close();
      await h.close();
    }
  });
});

describe("local OC: faults", () => {
  it("injects 503s, dropped connections and latency; settable at run time", async () => {
    const h = await startHarness({ servers: 1, faults: { errorRate: 1 } });
    try {
      const r = await h.call("GET", "/1.0/provisioning/servers");
      assert.equal(r.status, 503);
      assert.equal(r.json!.error_code, 503);
      assert.equal(
        metadataOf(await h.call("GET", "/local-oc/faults"), z.looseObject({ errorRate: z.number() })).errorRate,
        1,
        "control endpoints are never faulted",
      );
      const put = await h.call("PUT", "/local-oc/faults", { dropRate: 1 });
      assert.equal(put.status, 200);
      await assert.rejects(h.call("GET", "/1.0"), /socket hang up|ECONNRESET/);
      assert.equal(h.oc.requests.at(-1)!.status, 0, "a dropped request is logged with status 0");
      assert.equal((await h.call("PUT", "/local-oc/faults", { dropRate: 2 })).status, 400);
      h.oc.setFaults({ latencyMs: 120 });
      const started = Date.now();
      assert.equal((await h.call("GET", "/1.0")).status, 200);
      assert.ok(Date.now() - started >= 110);
      h.oc.setFaults({});
    } finally {
      await h.close();
    }
  });
});

describe("local OC: kill point", () => {
  it("once the named request was answered, later requests are held until the faults change (then dropped), or answered 503", async () => {
    const h = await startHarness({ servers: 1 });
    try {
      h.oc.setFaults({ after: { method: "GET", path: "/1.0", then: "hang" } });
      assert.equal((await h.call("GET", "/1.0/provisioning/servers")).status, 200, "before the kill point");
      assert.equal((await h.call("GET", "/1.0")).status, 200, "the named request itself is answered");
      const held = h.call("GET", "/1.0/provisioning/servers");
      const settled = assert.rejects(held, /socket hang up|ECONNRESET/);
      const isHeld = () => h.oc.requests.some((r, i) => i > 1 && r.status === 0);
      for (let i = 0; i < 1000 && !isHeld(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
      assert.ok(isHeld(), "the request after the kill point is held");
      assert.equal((await h.call("GET", "/local-oc/faults")).status, 200, "control endpoints are never held");
      assert.equal((await h.call("PUT", "/local-oc/faults", { after: { method: "GET", path: "/1.0", then: "fail" } })).status, 200);
      await settled;
      assert.equal((await h.call("GET", "/1.0/provisioning/servers")).status, 200, "a new kill point is armed again");
      assert.equal((await h.call("GET", "/1.0")).status, 200);
      assert.equal((await h.call("GET", "/1.0/provisioning/servers")).status, 503);
      h.oc.setFaults({});
      assert.equal((await h.call("GET", "/1.0/provisioning/servers")).status, 200);
    } finally {
      await h.close();
    }
  });
});

describe("local OC: kill point after a lost reply", () => {
  it("a request whose change is made but whose reply is lost (lose-reply) passes the kill point too", async () => {
    const h = await startHarness({ servers: 1 });
    try {
      const path = "/1.0/provisioning/cluster-templates";
      h.oc.setFaults({ next: [{ method: "POST", path, fault: "lose-reply" }], after: { method: "POST", path, then: "fail" } });
      await assert.rejects(h.call("POST", path, { name: "edge", service_config_template: "{}\n" }), /socket hang up|ECONNRESET/);
      assert.ok(
        h.oc.snapshot().templates.some((t) => t.name === "edge"),
        "the change is made",
      );
      assert.equal((await h.call("GET", `${path}/edge`)).status, 503, "the request after it meets the kill point");
    } finally {
      await h.close();
    }
  });
});

describe("local OC: persistence", () => {
  it("keeps servers, clusters, templates, trust and the TLS key pair across a restart", async () => {
    const dir = tempDir();
    const statePath = join(dir, "state", "local-oc.json");
    try {
      const h = await startHarness({ servers: 3, statePath });
      await h.call("POST", C, clusterPost("p", ["server01", "server02"], { application_seed_config: { config: { "a.b": "c" } } }));
      await h.call("POST", "/1.0/provisioning/cluster-templates", { name: "t", service_config_template: "", application_config_template: "", variables: {} });
      await h.call("POST", `${C}/p/:bulk-update`, { action: "add_network_interface_vlan_tags", arguments: { interface_name: "eth0", vlan_tags: [7] } });
      const cert = h.oc.serverCertificate;
      const port = Number(new URL(h.oc.url).port);
      await h.oc.close();
      assert.ok(existsSync(statePath));

      const again = await startLocalOperationsCenter({ statePath, port });
      try {
        assert.equal(again.serverCertificate, cert);
        const r = await rawCall(again.url, again.serverCertificate, "GET", `${C}/p`, undefined, { cert: h.cert, key: h.key });
        assert.equal(r.status, 200, "the client certificate is still trusted");
        assert.equal(clusterOf(r).status, "ready");
        const snap = again.snapshot();
        assert.deepEqual(snap.clusters[0]!.application_seed_config, { config: { "a.b": "c" } });
        assert.deepEqual(snap.servers.find((s) => s.name === "server02")!.incusos.network.interfaces![0]!.vlan_tags, [7]);
        assert.equal(snap.templates[0]!.name, "t");
        assert.equal(snap.servers.length, 3);
      } finally {
        await again.close();
      }
      const onDisk = JSON.parse(readFileSync(statePath, "utf8")) as { format: string };
      assert.equal(onDisk.format, "oc-cdktf-local-oc/1");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("local OC: seed and UI", () => {
  it("validates the seed and names the file in errors", async () => {
    const dir = tempDir();
    try {
      const bad = join(dir, "seed.yaml");
      writeFileSync(bad, "servers:\n  - name: a\n    status: bogus\n");
      await assert.rejects(startLocalOperationsCenter({ seed: bad }), (err: unknown) => {
        assert.ok(err instanceof SeedError);
        assert.match(err.message, new RegExp(`^invalid seed ${bad.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:`));
        assert.match(err.message, /servers\.0\.status/);
        return true;
      });
      await assert.rejects(startLocalOperationsCenter({ seed: { servers: [{ name: "a" }, { name: "a" }] } }), /servers\.1\.name: duplicate server name "a"/);
      const oc = await startLocalOperationsCenter({ seed: { servers: [{ name: "x", kernel: { blacklist_modules: ["nouveau"] } }] } });
      assert.deepEqual(
        oc.snapshot().servers.map((s) => s.name),
        ["x"],
      );
      await oc.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("serves a UI directory under /ui/ with an index.html fallback", async () => {
    const dir = tempDir();
    mkdirSync(join(dir, "assets"));
    writeFileSync(join(dir, "index.html"), "<html>ui</html>");
    writeFileSync(join(dir, "assets", "app.js"), "console.log(1)");
    const h = await startHarness({ servers: 1, uiDir: dir });
    try {
      const js = await h.call("GET", "/ui/assets/app.js", undefined, { auth: false });
      assert.equal(js.text, "console.log(1)");
      assert.match(String(js.headers["content-type"]), /javascript/);
      assert.equal((await h.call("GET", "/ui/clusters/x", undefined, { auth: false })).text, "<html>ui</html>");
      const outside = await h.call("GET", "/ui/%2e%2e/%2e%2e/etc/passwd", undefined, { auth: false });
      assert.ok(!outside.text.includes("root:"), "no file outside the UI directory is served");
    } finally {
      await h.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("local OC: the oc-cdktf local-oc command", () => {
  const runCommand = (args: string[]) =>
    new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [MAIN, "local-oc", ...args], { stdio: ["ignore", "ignore", "pipe"] });
      let stderr = "";
      child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
      child.once("exit", (code) => resolve({ code, stderr }));
    });

  it("refuses a bad timing flag and a broken state file with what to fix", async () => {
    const bad = await runCommand(["--update-step", "soon"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--update-step must be a number between 0 and Infinity, got "soon"/);
    const dir = tempDir();
    try {
      const state = join(dir, "state.json");
      writeFileSync(state, "{}");
      const broken = await runCommand(["--state", state]);
      assert.equal(broken.code, 1);
      assert.match(broken.stderr, new RegExp(`${state.replaceAll("/", "\\/")} is not a local Operations Center state file`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("prints its address, serves the written client config, and stops on SIGTERM", async () => {
    const dir = tempDir();
    const configDir = join(dir, "conf");
    const child = spawn(
      process.execPath,
      [MAIN, "local-oc", "--port", "0", "--servers", "2", "--write-client-config", configDir, "--state", join(dir, "state.json")],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    try {
      // Every stdout line is kept from the start, so none is missed while the test awaits.
      const seen: string[] = [];
      const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
      createInterface({ input: child.stdout! }).on("line", (line) => {
        seen.push(line);
        for (const w of waiters.splice(0)) {
          if (w.pattern.test(line)) w.resolve(line);
          else waiters.push(w);
        }
      });
      const lineMatching = (pattern: RegExp) =>
        new Promise<string>((resolve, reject) => {
          const found = seen.find((l) => pattern.test(l));
          if (found !== undefined) return resolve(found);
          const timer = setTimeout(() => reject(new Error(`no line matching ${pattern} within 20 s; got ${JSON.stringify(seen)}`)), 20_000);
          waiters.push({
            pattern,
            resolve: (l) => {
              clearTimeout(timer);
              resolve(l);
            },
          });
          child.once("exit", (code) => reject(new Error(`exited early with ${code}`)));
        });
      const url = /^listening on (https:\/\/127\.0\.0\.1:\d+)$/.exec(await lineMatching(/^listening on /))![1]!;
      assert.equal(seen[0], `listening on ${url}`);
      const remote = resolveRemote({ configDir, env: {} });
      assert.equal(remote.url, url);
      const client = OperationsCenterClient.fromRemote(remote, { retries: 0 });
      try {
        const servers = await client.listServers();
        assert.deepEqual(
          servers.map((s) => s.name),
          ["server01", "server02"],
        );
      } finally {
        await client.close();
      }
      const logLine = await lineMatching(/^GET /);
      assert.match(logLine, /^GET \/1\.0\/provisioning\/servers\?recursion=1 200 \d+ms$/);
      const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
      child.kill("SIGTERM");
      assert.equal(await exit, 0);
      assert.ok(existsSync(join(dir, "state.json")));
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
