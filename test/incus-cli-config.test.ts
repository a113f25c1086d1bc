// The incus CLI configuration read as incus reads it: the configuration directory (INCUS_CONF,
// os.UserConfigDir()/incus, the legacy ~/.config/incus incus has not moved yet), per-remote client
// certificates, and comma-separated addresses tried in turn (against in-test HTTPS servers on
// 127.0.0.1).
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import yaml from "js-yaml";
import { IncusClient, incusClientCertificate, incusConfigDir, incusRemote, incusRemoteAddresses } from "../src/client/incus-client.js";
import { createSelfSignedCertificate, type KeyPair } from "../src/local-oc/certificates.js";
import { incusClusterGroupResource } from "../src/provider/resources/incus-cluster-group.js";
import { closedPort } from "./fixtures/client/server.js";
import { CLUSTER, errors, withBulk } from "./fixtures/provider/bulk.js";

const CONNECTION = { remote: null, incus_address: null, incus_client_certificate: null, incus_client_key_file: null, incus_server_certificate: null };

describe("the incus CLI configuration directory and certificates", () => {
  let root: string;
  let shared: KeyPair;
  let perRemote: KeyPair;
  before(async () => {
    root = mkdtempSync(path.join(tmpdir(), "incus-cli-config-"));
    [shared, perRemote] = await Promise.all([
      createSelfSignedCertificate({ commonName: "shared", usage: "client" }),
      createSelfSignedCertificate({ commonName: "per-remote", usage: "client" }),
    ]);
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  test("INCUS_CONF wins; else $XDG_CONFIG_HOME/incus; a legacy ~/.config/incus is read until incus has moved it", {
    skip: process.platform !== "linux",
  }, () => {
    const home = mkdtempSync(path.join(root, "home-"));
    const xdg = path.join(home, "xdg");
    assert.equal(incusConfigDir({ INCUS_CONF: "/etc/incus-conf", HOME: home, XDG_CONFIG_HOME: xdg }), "/etc/incus-conf");
    assert.equal(incusConfigDir({ HOME: home, XDG_CONFIG_HOME: xdg }), path.join(xdg, "incus"));
    assert.equal(
      incusConfigDir({ HOME: home, XDG_CONFIG_HOME: "relative/dir" }),
      path.join(home, ".config", "incus"),
      "a relative XDG_CONFIG_HOME is ignored, as Go does",
    );
    mkdirSync(path.join(home, ".config", "incus"), { recursive: true });
    assert.equal(incusConfigDir({ HOME: home, XDG_CONFIG_HOME: xdg }), path.join(home, ".config", "incus"), "not migrated yet: the legacy directory");
    mkdirSync(path.join(xdg, "incus"), { recursive: true });
    assert.equal(incusConfigDir({ HOME: home, XDG_CONFIG_HOME: xdg }), path.join(xdg, "incus"), "once the platform directory exists, it is the one");
  });

  test("clientcerts/<remote>.crt and .key come before client.crt / client.key; a lone .crt does not count", () => {
    const dir = mkdtempSync(path.join(root, "conf-"));
    writeFileSync(path.join(dir, "client.crt"), shared.certificate);
    writeFileSync(path.join(dir, "client.key"), shared.key);
    mkdirSync(path.join(dir, "clientcerts"));
    writeFileSync(path.join(dir, "clientcerts", "lab.crt"), perRemote.certificate);
    writeFileSync(path.join(dir, "clientcerts", "lab.key"), perRemote.key);
    writeFileSync(path.join(dir, "clientcerts", "half.crt"), perRemote.certificate);
    writeFileSync(path.join(dir, "config.yml"), yaml.dump({ remotes: { lab: { addr: "https://192.0.2.1:8443" }, half: { addr: "https://192.0.2.2:8443" } } }));
    assert.equal(incusClientCertificate(dir, "lab")?.certificate, perRemote.certificate);
    assert.equal(incusClientCertificate(dir, "half")?.certificate, shared.certificate);
    assert.equal(incusClientCertificate(dir)?.certificate, shared.certificate);
    assert.equal(incusRemote(dir, "lab")?.clientKey, perRemote.key);
    assert.equal(incusRemote(dir, "half")?.clientKey, shared.key);
    rmSync(path.join(dir, "client.crt"));
    assert.equal(incusRemote(dir, "lab")?.clientCertificate, perRemote.certificate, "the per-remote pair alone is enough");
    assert.throws(
      () => incusRemote(dir, "half"),
      /remote "half" is configured but neither .*clientcerts\/half\.crt \/ \.key nor .*client\.crt \/ client\.key exist/,
    );
  });

  test("a comma-separated addr is split and trimmed, starting at last_working_address as incus does", () => {
    assert.deepEqual(incusRemoteAddresses("https://a:8443, https://b:8443,,https://c:8443 "), ["https://a:8443", "https://b:8443", "https://c:8443"]);
    assert.deepEqual(incusRemoteAddresses("https://a:8443,https://b:8443,https://c:8443", "https://b:8443"), [
      "https://b:8443",
      "https://c:8443",
      "https://a:8443",
    ]);
    assert.deepEqual(incusRemoteAddresses("https://a:8443,https://b:8443", "https://gone:8443"), ["https://a:8443", "https://b:8443"]);
    const dir = mkdtempSync(path.join(root, "conf-"));
    writeFileSync(path.join(dir, "client.crt"), shared.certificate);
    writeFileSync(path.join(dir, "client.key"), shared.key);
    writeFileSync(
      path.join(dir, "config.yml"),
      yaml.dump({ remotes: { lab: { addr: "https://a:8443,https://b:8443", last_working_address: "https://b:8443" }, sock: { addr: "unix://" } } }),
    );
    assert.deepEqual(incusRemote(dir, "lab")?.urls, ["https://b:8443", "https://a:8443"]);
    assert.throws(() => incusRemote(dir, "sock"), /remote "sock" has the address "unix:\/\/"; the provider reaches Incus over https:\/\/ only/);
  });
});

test("a remote whose first address refuses is reached at the next one, with its per-remote client certificate", () =>
  withBulk(
    incusClusterGroupResource,
    async (t) => {
      const dir = mkdtempSync(path.join(tmpdir(), "incus-conf-"));
      const refused = `https://127.0.0.1:${await closedPort()}`;
      const endpoint = t.h.oc.incusEndpoint(CLUSTER)!;
      const untrusted = await createSelfSignedCertificate({ commonName: "not-trusted", usage: "client" });
      mkdirSync(path.join(dir, "servercerts"), { recursive: true });
      mkdirSync(path.join(dir, "clientcerts"));
      writeFileSync(path.join(dir, "config.yml"), yaml.dump({ remotes: { [CLUSTER]: { addr: `${refused}, ${endpoint.url}`, protocol: "incus" } } }));
      writeFileSync(path.join(dir, "servercerts", `${CLUSTER}.crt`), endpoint.certificate);
      // The shared pair is one the cluster does not trust: only the per-remote pair (a client OC
      // trusts, which this cluster trusts through the local OC's opt-in) gets in.
      writeFileSync(path.join(dir, "client.crt"), untrusted.certificate);
      writeFileSync(path.join(dir, "client.key"), untrusted.key);
      copyFileSync(path.join(t.h.configDir, "client.crt"), path.join(dir, "clientcerts", `${CLUSTER}.crt`));
      copyFileSync(path.join(t.h.configDir, "client.key"), path.join(dir, "clientcerts", `${CLUSTER}.key`));
      const previous = process.env.INCUS_CONF;
      process.env.INCUS_CONF = dir;
      try {
        const group: Record<string, unknown> = {
          id: null,
          cluster: CLUSTER,
          ...CONNECTION,
          name: "gpu",
          description: null,
          members: ["server02"],
          config: null,
        };
        const created = await t.converge(null, group as never);
        assert.deepEqual(errors(created.diagnostics), []);
        assert.deepEqual((await t.refresh(created.state!))!.members, ["server02"]);
        assert.ok(
          t.logLines.some((l) => l.includes("POST /1.0/cluster/groups")),
          "the group was created through the address that answered",
        );
      } finally {
        if (previous === undefined) delete process.env.INCUS_CONF;
        else process.env.INCUS_CONF = previous;
        rmSync(dir, { recursive: true, force: true });
      }
    },
    { incusTrustOperationsCenterClients: true },
  ));

test("when no address answers, the error names each address and why", async () => {
  const pair = await createSelfSignedCertificate({ commonName: "c", usage: "client" });
  const [a, b] = [await closedPort(), await closedPort()];
  const urls = [`https://127.0.0.1:${a}`, `https://127.0.0.1:${b}`];
  await assert.rejects(IncusClient.connect({ urls, clientCertificate: pair.certificate, clientKey: pair.key }), (error: Error) => {
    assert.match(error.message, /^None of the Incus addresses answered \(tried in this order\):\n/);
    const lines = error.message.split("\n").slice(1);
    assert.equal(lines.length, 2);
    assert.ok(lines[0]!.startsWith(`${urls[0]}: `) && lines[1]!.startsWith(`${urls[1]}: `), error.message);
    assert.match(lines[0]!, /ECONNREFUSED|refused/);
    return true;
  });
});
