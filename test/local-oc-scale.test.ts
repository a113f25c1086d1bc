// The local Operations Center under many concurrent mutations: the state file holds every change
// that was answered (writes are grouped, never behind an answer) and stays a valid state
// document; the certificates it issues for clusters name them, whatever characters they hold.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Store } from "../src/local-oc/state.js";
import { clusterOf, clusterPost, startHarness } from "./fixtures/local-oc/helpers.js";

const C = "/1.0/provisioning/clusters";
const SERVERS = 12;

describe("local OC: state file under concurrent mutations", () => {
  it("holds each cluster create and update as soon as it is answered, and leaves no temp file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "local-oc-scale-"));
    const statePath = join(dir, "state.json");
    try {
      const h = await startHarness({ servers: SERVERS, statePath });
      const names = Array.from({ length: SERVERS }, (_, i) => String(i + 1).padStart(2, "0"));
      try {
        await Promise.all(
          names.map(async (id) => {
            const created = await h.call("POST", C, clusterPost(`c${id}`, [`server${id}`]));
            assert.equal(created.status, 201, created.text);
            const onDisk = Store.load(statePath)!;
            assert.equal(onDisk.clusters.find((c) => c.name === `c${id}`)?.status, "ready", `c${id} is ready in the file once its create is answered`);
            assert.equal(onDisk.servers.find((s) => s.name === `server${id}`)?.cluster, `c${id}`);

            const cluster = clusterOf(await h.call("GET", `${C}/c${id}`));
            const updated = await h.call("PUT", `${C}/c${id}`, { ...cluster, description: `updated ${id}` });
            assert.ok(updated.status >= 200 && updated.status < 300, updated.text);
            assert.equal(Store.load(statePath)!.clusters.find((c) => c.name === `c${id}`)?.description, `updated ${id}`);
          }),
        );
      } finally {
        await h.close();
      }
      const final = Store.load(statePath)!;
      assert.deepEqual(
        final.clusters.map((c) => c.description).sort(),
        names.map((id) => `updated ${id}`),
      );
      assert.deepEqual(readdirSync(dir), ["state.json"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("local OC: issued certificates", () => {
  it("gives a cluster whose name holds a comma and an equals sign a certificate naming it, with its fingerprint", async () => {
    const h = await startHarness({ servers: 1 });
    try {
      const name = "east, rack=2 é";
      // Operations Center parses the connection URL as Go's url.Parse does, which refuses a space in a host.
      assert.equal((await h.call("POST", C, clusterPost(name, ["server01"], { connection_url: "https://east.example.test:8443" }))).status, 201);
      const cluster = clusterOf(await h.call("GET", `${C}/${encodeURIComponent(name)}`));
      const certificate = new X509Certificate(cluster.certificate as string);
      assert.equal(certificate.subject, "CN=east\\, rack=2 é\nO=cdktf-operations-center");
      assert.equal(certificate.issuer, certificate.subject);
      assert.ok(certificate.verify(certificate.publicKey), "self-signed");
      assert.deepEqual(certificate.keyUsage, ["1.3.6.1.5.5.7.3.1"]);
      assert.equal(cluster.fingerprint, certificate.fingerprint256.replaceAll(":", "").toLowerCase());
    } finally {
      await h.close();
    }
  });
});
