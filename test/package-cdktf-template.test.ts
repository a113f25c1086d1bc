// The stock template, as a new user meets the package: `cdktf init --template=typescript` (CommonJS,
// ts-node, jest), TypeScript pinned to 5 as the README says, `npm install` of the packed tarball,
// then under Node 20.18.1 (the oldest engines allows), 22 and 24: `cdktf synth` (on 24 the app command it runs, see below), the template's jest test importing the constructs
// and the L1 bindings, and terraform init/apply/destroy of the synthesized stack against a local
// Operations Center, the provider running on that Node.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { appSource, applyAndDestroy, assertSynthesized, CLUSTER } from "./package/apps.js";
import { nodeBinary, NODES, NPM_INSTALL_SETTINGS, npmInstall, packTarball, ROOT, runOk, scratch, userEnv, type NodeVersion } from "./package/consumer.js";

const CDKTF_CLI = path.join(ROOT, "node_modules", "cdktf-cli", "bundle", "bin", "cdktf");

const JEST_TEST = `import "cdktf/lib/testing/adapters/jest";
import { Testing } from "cdktf";
import { Cluster, OperationsCenter } from "cdktf-operations-center";
import { cluster } from "cdktf-operations-center/provider";

describe("the fleet", () => {
  it("declares the cluster through the package's provider", () => {
    const synthesized = Testing.synthScope((scope) => {
      new OperationsCenter(scope, "oc");
      new Cluster(scope, "${CLUSTER}", { name: "${CLUSTER}", servers: ["server01"], deletionPolicy: "forget" });
    });
    expect(synthesized).toHaveResourceWithProperties(cluster.Cluster, { name: "${CLUSTER}" });
  });
});
`;

test("the stock cdktf template (CommonJS) synthesizes, tests, applies and destroys with the packed package on Node 20.18.1, 22 and 24", async (t) => {
  const dir = scratch(t, "template");
  const tarball = await packTarball(dir);
  const app = path.join(dir, "my app");
  mkdirSync(app);
  await runOk(
    process.execPath,
    [
      CDKTF_CLI,
      "init",
      "--template=typescript",
      "--local",
      "--project-name=fleet",
      "--project-description=fleet",
      "--enable-crash-reporting=false",
      "--providers=",
    ],
    // Its template's installs run with the settings of the other installs here.
    { cwd: app, env: userEnv(NPM_INSTALL_SETTINGS), timeoutMs: 600_000 },
  );
  // cdktf init installs TypeScript 7, which has no JS API for ts-node and ts-jest: the README's pin.
  await npmInstall(app, ["--save-dev", "typescript@~5.9.3"]);
  await npmInstall(app, [tarball]);
  // Peers: one cdktf and one constructs, the app's own.
  for (const nested of ["cdktf", "constructs"]) {
    assert.ok(
      !existsSync(path.join(app, "node_modules", "cdktf-operations-center", "node_modules", nested)),
      `a second ${nested} was installed under the package`,
    );
  }
  writeFileSync(path.join(app, "main.ts"), appSource("cdktf", "cdktf-operations-center"));
  writeFileSync(path.join(app, "__tests__", "main-test.ts"), JEST_TEST);

  for (const version of Object.keys(NODES) as NodeVersion[]) {
    await t.test(`Node ${version}`, async () => {
      const node = nodeBinary(NODES[version]);
      const env = userEnv({}, node);
      // cdktf-cli 0.21 (archived) cannot start on Node 24: @cdktf/node-pty-prebuilt-multiarch 0.10.2
      // ships pty.node prebuilt up to ABI 127 (Node 22), and Node 24 (ABI 137) needs it compiled at
      // install (node-gyp, a C++ toolchain and Node's headers from nodejs.org). There the template's
      // app command (cdktf.json "app": npx ts-node main.ts) runs as is.
      const synth = version === "24" ? [path.join(app, "node_modules", "ts-node", "dist", "bin.js"), "main.ts"] : [CDKTF_CLI, "synth"];
      await runOk(node, synth, { cwd: app, env, timeoutMs: 300_000 });
      const stackDir = assertSynthesized(app);
      const jest = await runOk(node, [path.join(app, "node_modules", "jest", "bin", "jest.js"), "--ci"], { cwd: app, env, timeoutMs: 300_000 });
      assert.match(jest, /Tests:\s+1 passed/);
      await applyAndDestroy(stackDir, dir, node);
    });
  }
});
