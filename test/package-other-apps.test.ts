// The packed package in the other kinds of app a user writes: an ES module app (its import of the
// package gets the CommonJS build through the .mjs entries); an app still on cdktf 0.20, the oldest
// of the peer range, which also applies and destroys; and a plain cdktn app that imports "cdktn"
// with no npm alias (the package's cdktn build), which a user drives with cdktn-cli: synth, deploy
// and destroy against a local Operations Center.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { appSource, applyAndDestroy, assertSynthesized, deployAndDestroy, STACK } from "./package/apps.js";
import { nodeBinary, NODES, npmInstall, packTarball, runOk, scratch, userEnv, type NodeVersion } from "./package/consumer.js";

function writeApp(app: string, manifest: object, compilerOptions: object, main: string): void {
  mkdirSync(app, { recursive: true });
  writeFileSync(path.join(app, "package.json"), `${JSON.stringify({ name: "fleet", version: "1.0.0", private: true, ...manifest }, null, 2)}\n`);
  writeFileSync(
    path.join(app, "tsconfig.json"),
    `${JSON.stringify({ compilerOptions: { target: "ES2022", strict: true, skipLibCheck: true, ...compilerOptions }, include: ["main.ts"] }, null, 2)}\n`,
  );
  writeFileSync(path.join(app, "main.ts"), main);
}

test("an ES module app (module nodenext) compiles against the package's types and synthesizes on Node 20.18.1, 22 and 24", async (t) => {
  const dir = scratch(t, "esm");
  const tarball = await packTarball(dir);
  const app = path.join(dir, "app");
  writeApp(app, { type: "module" }, { module: "NodeNext", moduleResolution: "NodeNext" }, appSource("cdktf", "cdktf-operations-center"));
  await npmInstall(app, ["cdktf@~0.21.0", "constructs@^10.4.2", tarball]);
  await npmInstall(app, ["--save-dev", "typescript@~5.9.3", "@types/node@^20"]);
  const binaries = readdirSync(path.join(app, "node_modules")).filter((name) => /^(node\d+-|node-(linux|darwin|win)-|test-node-binaries$)/.test(name));
  assert.deepEqual(binaries, [], "the package brought the tests' Node.js binaries into the app");
  await runOk(process.execPath, [path.join(app, "node_modules", "typescript", "bin", "tsc"), "-p", "."], { cwd: app, env: userEnv() });
  for (const version of Object.keys(NODES) as NodeVersion[]) {
    const node = nodeBinary(NODES[version]);
    await runOk(node, ["main.js"], { cwd: app, env: userEnv({}, node) });
    assertSynthesized(app);
  }
});

test('a plain cdktn app (import from "cdktn", no alias, no cdktf installed) synthesizes, deploys and destroys with cdktn-cli on Node 22 and 24', async (t) => {
  const dir = scratch(t, "cdktn");
  const tarball = await packTarball(dir);
  const app = path.join(dir, "app");
  writeApp(app, {}, { module: "CommonJS" }, appSource("cdktn", "cdktf-operations-center/cdktn"));
  // cdktn-cli reads cdktf.json, as cdktf-cli did; the app is compiled by tsc below.
  writeFileSync(path.join(app, "cdktf.json"), `${JSON.stringify({ language: "typescript", app: "node main.js" }, null, 2)}\n`);
  // cdktn 0.24 wants constructs >= 10.6 and < 10.8, and Node 22.19 or newer (cdktn-cli too).
  await npmInstall(app, ["cdktn@0.24.0", "constructs@~10.7.0", tarball]);
  await npmInstall(app, ["--save-dev", "typescript@~5.9.3", "@types/node@^22", "cdktn-cli@0.24.0"]);
  assert.ok(!existsSync(path.join(app, "node_modules", "cdktf")), "cdktf was installed into a cdktn app");
  await runOk(process.execPath, [path.join(app, "node_modules", "typescript", "bin", "tsc"), "-p", "."], { cwd: app, env: userEnv() });
  const cdktn = path.join(app, "node_modules", "cdktn-cli", "bin", "cdktn");
  for (const version of ["22", "24"] as const) {
    await t.test(`Node ${version}`, async () => {
      const node = nodeBinary(NODES[version]);
      rmSync(path.join(app, "cdktf.out"), { recursive: true, force: true });
      await runOk(node, [cdktn, "synth"], { cwd: app, env: userEnv({ HOME: dir }, node) });
      assertSynthesized(app);
      await deployAndDestroy(dir, node, {
        async deploy(env) {
          const deployed = await runOk(node, [cdktn, "deploy", STACK, "--auto-approve"], { cwd: app, env, timeoutMs: 300_000 });
          assert.match(deployed, /first_server\s*=\s*"?server01/, deployed);
        },
        async destroy(env) {
          await runOk(node, [cdktn, "destroy", STACK, "--auto-approve"], { cwd: app, env, timeoutMs: 300_000 });
        },
      });
    });
  }
});

test("a CommonJS app on cdktf 0.20 (the oldest peer) shares the app's cdktf, synthesizes, applies and destroys", async (t) => {
  const dir = scratch(t, "cdktf020");
  const tarball = await packTarball(dir);
  const app = path.join(dir, "app");
  writeApp(app, {}, { module: "CommonJS" }, appSource("cdktf", "cdktf-operations-center"));
  await npmInstall(app, ["cdktf@~0.20.0", "constructs@10.3.0", tarball]);
  await npmInstall(app, ["--save-dev", "typescript@~5.9.3", "@types/node@^20"]);
  assert.ok(!existsSync(path.join(app, "node_modules", "cdktf-operations-center", "node_modules", "cdktf")), "a second cdktf was installed under the package");
  await runOk(process.execPath, [path.join(app, "node_modules", "typescript", "bin", "tsc"), "-p", "."], { cwd: app, env: userEnv() });
  await runOk(process.execPath, ["main.js"], { cwd: app, env: userEnv() });
  const stackDir = assertSynthesized(app);
  await applyAndDestroy(stackDir, dir, process.execPath);
});
