// Unit, no server: remote resolution from an operations-center CLI configuration directory and
// the environment.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OperationsCenterClient, defaultConfigDir, resolveRemote } from "../src/client/index.js";
import { certificateFingerprint, type KeyPair } from "../src/local-oc/certificates.js";
import { clientCertificate, sendSync, serverCertificate, startTestServer, type TestServer } from "./fixtures/client/server.js";

function indent(pem: string, spaces: number): string {
  return pem
    .trimEnd()
    .split("\n")
    .map((line) => " ".repeat(spaces) + line)
    .join("\n");
}

describe("resolveRemote", () => {
  let root: string;
  let configDir: string;
  let serverPair: KeyPair;
  let clientPair: KeyPair;
  let otherClient: KeyPair;

  before(async () => {
    [serverPair, clientPair, otherClient] = await Promise.all([serverCertificate(), clientCertificate(), clientCertificate("ci-runner")]);
    root = mkdtempSync(join(tmpdir(), "oc-client-remote-"));
    configDir = join(root, "operations-center");
    writeConfig(
      configDir,
      [
        "default_remote: m1",
        "remotes:",
        "  m1:",
        "    addr: https://192.0.2.100:7443",
        "    auth_type: tls",
        "    server_cert: |",
        indent(serverPair.certificate, 6),
        "  lab:",
        "    addr: https://lab.example.invalid:8443/",
        "    auth_type: oidc",
        "    extra_key_from_a_newer_cli: true",
        "some_future_setting: 1",
      ].join("\n"),
    );
    writeFileSync(join(configDir, "client.crt"), clientPair.certificate);
    writeFileSync(join(configDir, "client.key"), clientPair.key, { mode: 0o600 });
    // The oidc remote "lab" is usable once the CLI's login wrote its token file.
    mkdirSync(join(configDir, "oidc-tokens"));
    writeFileSync(
      join(configDir, "oidc-tokens", "lab.json"),
      JSON.stringify({ trust_tuple: {}, tokens: { access_token: "a", expiry: "0001-01-01T00:00:00Z" } }),
      { mode: 0o600 },
    );
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  function writeConfig(dir: string, yaml: string): void {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "config.yml"), `${yaml}\n`);
  }

  it("uses default_remote, its pinned server_cert and client.crt/client.key of the config dir", () => {
    const remote = resolveRemote({ configDir, env: {} });
    assert.equal(remote.name, "m1");
    assert.equal(remote.url, "https://192.0.2.100:7443");
    assert.equal(remote.authType, "tls");
    assert.equal(certificateFingerprint(remote.serverCertificate ?? ""), certificateFingerprint(serverPair.certificate));
    assert.equal(remote.clientCertificate, clientPair.certificate);
    assert.equal(remote.clientKey, clientPair.key);
    assert.equal(remote.token, undefined);
    assert.equal(remote.allowInsecureHttp, false);
    assert.equal(remote.configDir, configDir);
  });

  it("OPERATIONS_CENTER_CONF selects the directory; OPERATIONS_CENTER_REMOTE beats options.remote beats default_remote", () => {
    assert.equal(resolveRemote({ env: { OPERATIONS_CENTER_CONF: configDir } }).name, "m1");
    const lab = resolveRemote({ remote: "lab", env: { OPERATIONS_CENTER_CONF: configDir } });
    assert.equal(lab.name, "lab");
    assert.equal(lab.url, "https://lab.example.invalid:8443");
    assert.equal(lab.serverCertificate, undefined);
    assert.equal(resolveRemote({ remote: "lab", env: { OPERATIONS_CENTER_CONF: configDir, OPERATIONS_CENTER_REMOTE: "m1" } }).name, "m1");
  });

  it("environment overrides: URL, client cert (inline PEM) and key (path), server cert (path), token", () => {
    const keyPath = join(root, "ci.key");
    const serverCertPath = join(root, "server.crt");
    writeFileSync(keyPath, otherClient.key);
    writeFileSync(serverCertPath, serverPair.certificate);
    const remote = resolveRemote({
      configDir,
      env: {
        OPERATIONS_CENTER_REMOTE: "m1",
        OPERATIONS_CENTER_URL: "https://127.0.0.1:7443",
        OPERATIONS_CENTER_CLIENT_CERT: otherClient.certificate,
        OPERATIONS_CENTER_CLIENT_KEY: keyPath,
        OPERATIONS_CENTER_SERVER_CERT: serverCertPath,
        OPERATIONS_CENTER_TOKEN: "tok",
      },
    });
    assert.equal(remote.name, "m1");
    assert.equal(remote.url, "https://127.0.0.1:7443");
    assert.equal(remote.clientCertificate?.trim(), otherClient.certificate.trim());
    assert.equal(remote.clientKey, otherClient.key);
    assert.equal(remote.serverCertificate, serverPair.certificate);
    assert.equal(remote.token, "tok");
  });

  it("OPERATIONS_CENTER_URL alone needs no config.yml and does not inherit default_remote's pin", () => {
    const empty = join(root, "nothing-here");
    const bare = resolveRemote({ configDir: empty, env: { OPERATIONS_CENTER_URL: "https://oc.example.invalid:7443" } });
    assert.deepEqual(bare, { url: "https://oc.example.invalid:7443", allowInsecureHttp: false, configDir: empty });
    const withDefault = resolveRemote({ configDir, env: { OPERATIONS_CENTER_URL: "https://127.0.0.1:9443" } });
    assert.equal(withDefault.name, undefined);
    assert.equal(withDefault.serverCertificate, undefined);
    assert.equal(withDefault.clientCertificate, clientPair.certificate, "client.crt of the config dir is still used");
  });

  it("refuses http:// unless OPERATIONS_CENTER_ALLOW_HTTP=1", () => {
    assert.throws(
      () => resolveRemote({ configDir, env: { OPERATIONS_CENTER_URL: "http://127.0.0.1:7080" } }),
      /OPERATIONS_CENTER_URL: refusing plain http:\/\/ address "http:\/\/127\.0\.0\.1:7080".*set OPERATIONS_CENTER_ALLOW_HTTP=1/,
    );
    const allowed = resolveRemote({ configDir, env: { OPERATIONS_CENTER_URL: "http://127.0.0.1:7080", OPERATIONS_CENTER_ALLOW_HTTP: "1" } });
    assert.equal(allowed.url, "http://127.0.0.1:7080");
    assert.equal(allowed.allowInsecureHttp, true);
  });

  it("a remote name that config.yml does not define gives a message naming config.yml and its remotes", () => {
    assert.throws(
      () => resolveRemote({ configDir, env: { OPERATIONS_CENTER_REMOTE: "prod" } }),
      (error: unknown) => {
        assert.ok(error instanceof Error);
        assert.equal(error.name, "Error");
        assert.equal(
          error.message,
          `Remote "prod" (OPERATIONS_CENTER_REMOTE=prod) is not defined in ${join(configDir, "config.yml")}; its remotes are: m1, lab. ` +
            "Add it with `operations-center remote add prod https://<address>:7443 --auth-type tls --accept-certificate` or choose another with OPERATIONS_CENTER_REMOTE.",
        );
        return true;
      },
    );
  });

  it("no configuration at all explains what to set", () => {
    const empty = join(root, "empty-conf");
    assert.throws(
      () => resolveRemote({ configDir: empty, env: {} }),
      new RegExp(
        `^Error: No Operations Center remote configured: ${join(empty, "config.yml").replaceAll(".", "\\.")} does not exist\\. Set OPERATIONS_CENTER_URL`,
      ),
    );
    const noDefault = join(root, "no-default");
    writeConfig(noDefault, "remotes:\n  a:\n    addr: https://192.0.2.1:7443\n");
    assert.throws(() => resolveRemote({ configDir: noDefault, env: {} }), /config\.yml has no default_remote/);
    assert.throws(
      () => resolveRemote({ configDir: noDefault, env: { OPERATIONS_CENTER_REMOTE: "local" } }),
      /Remote "local" .* is the operations-center unix socket/,
    );
  });

  it("broken files are reported with their path", () => {
    const broken = join(root, "broken");
    writeConfig(broken, "default_remote: a\nremotes:\n  a:\n    addr: [not, a, string\n");
    assert.throws(
      () => resolveRemote({ configDir: broken, env: {} }),
      new RegExp(`^Error: Cannot parse ${join(broken, "config.yml").replaceAll(".", "\\.")}: `),
    );

    const wrongShape = join(root, "wrong-shape");
    writeConfig(wrongShape, "default_remote: a\nremotes:\n  a:\n    addr: 7443\n");
    assert.throws(
      () => resolveRemote({ configDir: wrongShape, env: {} }),
      /Invalid .*config\.yml: remotes\.a\.addr: expected the remote's address as a string/,
    );

    assert.throws(
      () => resolveRemote({ configDir, env: { OPERATIONS_CENTER_CLIENT_KEY: join(root, "missing.key") } }),
      /^Error: OPERATIONS_CENTER_CLIENT_KEY: cannot read ".*missing\.key" \(it does not exist\)/,
    );
    // Key material pasted without its PEM header is not a path: the message must not repeat it.
    const headerless = otherClient.key.replace(/-----[A-Z ]+-----/g, "").replace(/\s/g, "");
    assert.throws(
      () => resolveRemote({ configDir, env: { OPERATIONS_CENTER_CLIENT_KEY: headerless } }),
      (error: unknown) =>
        error instanceof Error &&
        /cannot read the value \(not shown: it is neither PEM text nor a file path\)/.test(error.message) &&
        !error.message.includes(headerless.slice(0, 24)),
    );
    assert.throws(
      () => resolveRemote({ configDir, env: { OPERATIONS_CENTER_CLIENT_KEY: otherClient.key } }),
      /OPERATIONS_CENTER_CLIENT_KEY does not belong to the certificate .*client\.crt/,
    );
    // A config.yml that cannot be read (a directory here: file modes do not stop root, who runs CI).
    const unreadable = join(root, "unreadable");
    mkdirSync(join(unreadable, "config.yml"), { recursive: true });
    assert.throws(() => resolveRemote({ configDir: unreadable, env: {} }), /Cannot read .*config\.yml: it is a directory, not a regular file/);
  });

  it("defaults to <user config dir>/operations-center", () => {
    if (process.platform === "linux") {
      assert.equal(defaultConfigDir({ HOME: "/home/u" }), "/home/u/.config/operations-center");
      assert.equal(defaultConfigDir({ HOME: "/home/u", XDG_CONFIG_HOME: "/xdg" }), "/xdg/operations-center");
    }
  });

  describe("OperationsCenterClient.fromEnvironment", () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(serverPair, (_request, response) =>
        sendSync(response, { api_status: "devel", api_version: "1.0", auth: "tls", auth_methods: ["tls"] }),
      );
    });
    after(() => server.close());

    it("connects with the pinned certificate and presents client.crt from the config dir", async () => {
      const dir = join(root, "live");
      writeConfig(
        dir,
        `default_remote: local-test\nremotes:\n  local-test:\n    addr: ${server.url}\n    auth_type: tls\n    server_cert: |\n${indent(serverPair.certificate, 6)}\n`,
      );
      writeFileSync(join(dir, "client.crt"), clientPair.certificate);
      writeFileSync(join(dir, "client.key"), clientPair.key);
      const client = OperationsCenterClient.fromEnvironment({ env: { OPERATIONS_CENTER_CONF: dir } });
      try {
        assert.equal(client.url, server.url);
        assert.equal((await client.getServerInfo()).auth, "tls");
        assert.equal(server.requests.at(-1)?.clientFingerprint, certificateFingerprint(clientPair.certificate));
      } finally {
        await client.close();
      }
    });
  });
});
