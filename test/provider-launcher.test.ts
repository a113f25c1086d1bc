// The provider as Terraform users install it, with the real terraform binary against the local
// Operations Center: `oc-cdktf provider install` (a copy that stands on its own, started by
// Terraform through its symbolic links), stacks written by synth (packed, so they survive a move),
// the plugin cache shared by projects, `-chdir`, and a packed mirror.
import assert from "node:assert/strict";
import { cpSync, lstatSync, mkdirSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { test } from "node:test";
import { App, LocalBackend, TerraformStack } from "cdktf";
import { ClusterTemplate, OperationsCenter } from "../constructs/index.js";
import { createSelfSignedCertificate } from "../src/local-oc/certificates.js";
import { PROVIDER_SOURCE } from "../src/provider/identity.js";
import { archiveName, launcherDirectory, LAUNCHER_NAME, lockEntry, packageHash, providerDirectory } from "../src/provider/launcher.js";
import { zip } from "../src/provider/zip.js";
import { terraform } from "../src/review/terraform.js";
import { CLI, installProvider, ROOT, run, templateConfig, workspace, type Workspace } from "./e2e/workspace.js";

async function tfOk(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<string> {
  const result = await terraform([...args, "-input=false", "-no-color"], { cwd, env });
  assert.equal(result.code, 0, `terraform ${args.join(" ")} in ${cwd}:\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

/** init, apply, then a plan that must show no change. */
async function initApplyPlan(cwd: string, env: NodeJS.ProcessEnv): Promise<void> {
  await tfOk(["init"], cwd, env);
  await tfOk(["apply", "-auto-approve"], cwd, env);
  const plan = await terraform(["plan", "-input=false", "-no-color", "-detailed-exitcode"], { cwd, env });
  assert.equal(plan.code, 0, `expected no changes in ${cwd}:\n${plan.stdout}${plan.stderr}`);
}

/** A CDKTF app with one template, synthesized into `outdir`; its state stays inside the stack directory. */
function synthTemplate(outdir: string, name: string): string {
  const app = new App({ outdir, skipValidation: true });
  const stack = new TerraformStack(app, "s");
  new LocalBackend(stack, { path: "terraform.tfstate" });
  new OperationsCenter(stack, "oc");
  new ClusterTemplate(stack, "rack", { name, servicesConfig: { lvm: { enabled: true } }, variables: {} });
  app.synth();
  return path.join(outdir, "stacks", "s");
}

const templates = (w: Workspace) =>
  w.oc
    .snapshot()
    .templates.map((x) => x.name)
    .sort();

test("provider install from a project that is then deleted: HCL in $HOME/infra and three levels deeper inits, applies and plans clean", async (t) => {
  const w = await workspace(t, "install-");
  // A throw-away copy of the package runs the install, then disappears.
  const project = path.join(w.dir, "project");
  for (const part of ["dist/src", "dist/provider", "package.json"]) cpSync(path.join(ROOT, part), path.join(project, part), { recursive: true });
  const installed = await run(process.execPath, [path.join(project, "dist", "src", "cli", "main.js"), "provider", "install"], { cwd: project, env: w.env });
  assert.equal(installed.code, 0, installed.output);
  rmSync(project, { recursive: true, force: true });
  const pluginDir = launcherDirectory(path.join(w.env.HOME!, ".terraform.d", "plugins"));
  assert.match(readFileSync(path.join(pluginDir, LAUNCHER_NAME), "utf8"), /^#!\/bin\/sh\n/);

  const shallow = path.join(w.env.HOME!, "infra");
  const deep = path.join(w.env.HOME!, "teams", "storage", "site-a", "infra");
  for (const [dir, name] of [
    [shallow, "home-infra"],
    [deep, "deep-infra"],
  ] as const) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "main.tf"), templateConfig(name));
    await initApplyPlan(dir, w.env);
    // Terraform reaches the launcher through a symbolic link into the plugin directory.
    const linked = launcherDirectory(path.join(dir, ".terraform", "providers"));
    assert.equal(realpathSync(linked), realpathSync(pluginDir));
    assert.ok(
      readFileSync(path.join(dir, ".terraform.lock.hcl"), "utf8").includes(`"${packageHash()}"`),
      "the lock file holds another hash than the package's",
    );
  }
  assert.deepEqual(templates(w), ["deep-infra", "home-infra"]);
});

test("a stack directory moved after synth inits and applies; moved again after init, it plans clean without init", async (t) => {
  const w = await workspace(t, "moved-");
  mkdirSync(path.join(w.dir, "app"));
  const synthesized = synthTemplate(path.join(w.dir, "app", "cdktf.out"), "moved-stack");
  const artefact = path.join(w.dir, "ci", "job-2", "artefacts", "s");
  mkdirSync(path.dirname(artefact), { recursive: true });
  renameSync(synthesized, artefact);
  rmSync(path.join(w.dir, "app"), { recursive: true, force: true });
  await initApplyPlan(artefact, w.env);
  assert.deepEqual(templates(w), ["moved-stack"]);

  const again = path.join(w.dir, "elsewhere", "s");
  mkdirSync(path.dirname(again), { recursive: true });
  renameSync(artefact, again);
  const plan = await terraform(["plan", "-input=false", "-no-color", "-detailed-exitcode"], { cwd: again, env: w.env });
  assert.equal(plan.code, 0, `expected no changes:\n${plan.stdout}${plan.stderr}`);
});

test("two projects of different layouts share TF_PLUGIN_CACHE_DIR; deleting the first leaves the second working", async (t) => {
  const w = await workspace(t, "cache-");
  const cache = path.join(w.dir, "plugin-cache");
  mkdirSync(cache);
  const env = { ...w.env, TF_PLUGIN_CACHE_DIR: cache };
  for (const project of ["first", "deeper/team/second/infra"]) mkdirSync(path.join(w.dir, project), { recursive: true });
  const first = synthTemplate(path.join(w.dir, "first", "cdktf.out"), "first");
  const second = synthTemplate(path.join(w.dir, "deeper", "team", "second", "infra", "cdktf.out"), "second");
  await initApplyPlan(first, env);
  await initApplyPlan(second, env);
  // Extracted from the packed archive: a directory of its own, not a link into either project.
  assert.ok(lstatSync(launcherDirectory(cache)).isDirectory(), "the plugin cache holds no unpacked provider");
  rmSync(path.join(w.dir, "first"), { recursive: true, force: true });
  const plan = await terraform(["plan", "-input=false", "-no-color", "-detailed-exitcode"], { cwd: second, env });
  assert.equal(plan.code, 0, `expected no changes:\n${plan.stdout}${plan.stderr}`);
  rmSync(path.join(second, ".terraform"), { recursive: true, force: true });
  await initApplyPlan(second, env);
  assert.deepEqual(templates(w), ["first", "second"]);
});

test("terraform -chdir=STACK init from another directory needs -plugin-dir=terraform.d/plugins, which works offline", async (t) => {
  const w = await workspace(t, "chdir-");
  const stack = synthTemplate(path.join(w.dir, "cdktf.out"), "chdir");
  const chdir = `-chdir=${path.relative(w.dir, stack)}`;
  // Terraform looks for terraform.d/plugins in the directory it was started in, before -chdir.
  const plain = await terraform([chdir, "init", "-input=false", "-no-color"], { cwd: w.dir, env: w.env });
  assert.notEqual(plain.code, 0);
  assert.match(plain.stderr, /oc-cdktf\.invalid/);
  await tfOk([chdir, "init", "-plugin-dir=terraform.d/plugins"], w.dir, w.env);
  await tfOk([chdir, "apply", "-auto-approve"], w.dir, w.env);
  assert.deepEqual(templates(w), ["chdir"]);
});

test("oc-cdktf provider mirror writes a packed mirror that terraform init installs from, with nothing else configured", async (t) => {
  const w = await workspace(t, "mirror-");
  const mirror = path.join(w.dir, "mirror");
  const written = await run(process.execPath, [CLI, "provider", "mirror", mirror], { cwd: w.dir, env: w.env });
  assert.equal(written.code, 0, written.output);
  const dir = providerDirectory(mirror);
  const platforms = ["darwin_amd64", "darwin_arm64", "linux_amd64", "linux_arm64"];
  const archive = readFileSync(path.join(dir, archiveName("linux_amd64")));
  const zh = `zh:${(await import("node:crypto")).createHash("sha256").update(archive).digest("hex")}`;
  assert.deepEqual(JSON.parse(readFileSync(path.join(dir, "index.json"), "utf8")), { versions: { "0.1.0": {} } });
  assert.deepEqual(JSON.parse(readFileSync(path.join(dir, "0.1.0.json"), "utf8")), {
    archives: Object.fromEntries(platforms.map((p) => [p, { url: archiveName(p), hashes: [packageHash(), zh] }])),
  });
  assert.equal(
    readFileSync(path.join(dir, "terraform-provider-operationscenter_0.1.0_SHA256SUMS"), "utf8"),
    platforms.map((p) => `${zh.slice(3)}  ${archiveName(p)}\n`).join(""),
  );
  // The lock entry it prints holds the h1: and zh: hashes, as a registry install writes them.
  assert.ok(written.output.includes(lockEntry([packageHash(), zh])), written.output);

  const rc = path.join(w.dir, "mirror.tfrc");
  writeFileSync(rc, `provider_installation {\n  filesystem_mirror {\n    path = ${JSON.stringify(mirror)}\n  }\n}\n`);
  const env = { ...w.env, TF_CLI_CONFIG_FILE: rc };
  const config = path.join(w.dir, "config");
  mkdirSync(config);
  writeFileSync(path.join(config, "main.tf"), templateConfig("from-mirror"));
  const init = await tfOk(["init"], config, env);
  assert.match(init, /Installed oc-cdktf\.invalid\/oc-cdktf\/operationscenter v0\.1\.0/);
  assert.ok(readFileSync(path.join(config, ".terraform.lock.hcl"), "utf8").includes(`"${packageHash()}"`));
  await tfOk(["apply", "-auto-approve"], config, env);
  assert.deepEqual(templates(w), ["from-mirror"]);

  // With the printed entry as the lock file, init checks the archive against its zh: hash.
  const locked = path.join(w.dir, "locked");
  mkdirSync(locked);
  writeFileSync(path.join(locked, "main.tf"), templateConfig("locked"));
  writeFileSync(path.join(locked, ".terraform.lock.hcl"), lockEntry([zh]));
  await tfOk(["init"], locked, env);
  const lock = readFileSync(path.join(locked, ".terraform.lock.hcl"), "utf8");
  assert.ok(lock.includes(`"${zh}"`) && lock.includes(`"${packageHash()}"`), lock);
  // An archive that is not the one the zh: hash names is refused (any h1: would accept its contents).
  writeFileSync(path.join(dir, archiveName("linux_amd64")), Buffer.concat([archive, Buffer.from("tampered")]));
  writeFileSync(path.join(locked, ".terraform.lock.hcl"), lockEntry([zh]));
  rmSync(path.join(locked, ".terraform"), { recursive: true, force: true });
  const tampered = await terraform(["init", "-input=false", "-no-color"], { cwd: locked, env });
  assert.notEqual(tampered.code, 0);
  assert.match(tampered.stderr, /checksum|doesn't match any of the checksums/);
});

test("cdktf get in fresh TypeScript and Python apps generates bindings from the installed provider", async (t) => {
  const w = await workspace(t, "get-");
  await installProvider(w);
  // Run by path: .npmrc turns bin links off (the Node binary packages each declare a "node" bin).
  const cdktf = path.join(ROOT, "node_modules", "cdktf-cli", "bundle", "bin", "cdktf");
  const generated = async (language: string) => {
    const app = path.join(w.dir, language);
    mkdirSync(app);
    const settings = {
      language,
      app: "true",
      projectId: language,
      sendCrashReports: "false",
      terraformProviders: [`${PROVIDER_SOURCE}@0.1.0`],
      terraformModules: [],
      context: {},
    };
    writeFileSync(path.join(app, "cdktf.json"), JSON.stringify(settings));
    const got = await run(cdktf, ["get"], { cwd: app, env: { ...w.env, CI: "1" } });
    assert.equal(got.code, 0, got.output);
    return (relative: string) => readFileSync(path.join(app, ".gen", ...relative.split("/")), "utf8");
  };
  const typescript = await generated("typescript");
  assert.match(typescript("providers/operationscenter/provider/index.ts"), /export class OperationscenterProvider extends cdktf\.TerraformProvider/);
  assert.match(typescript("providers/operationscenter/provider/index.ts"), /terraformProviderSource: 'oc-cdktf\.invalid\/oc-cdktf\/operationscenter'/);
  assert.match(typescript("providers/operationscenter/cluster-template/index.ts"), /tfResourceType = "operationscenter_cluster_template"/);
  const python = await generated("python");
  assert.match(python("operationscenter/provider/__init__.py"), /class OperationscenterProvider\(/);
  assert.match(python("operationscenter/cluster_template/__init__.py"), /class ClusterTemplate\(/);
});

test("a state written under the old address oc-cdktf.local/oc-cdktf/operations-center moves with terraform state replace-provider", async (t) => {
  const w = await workspace(t, "replace-");
  await installProvider(w);
  const config = path.join(w.dir, "infra");
  mkdirSync(config);
  writeFileSync(path.join(config, "main.tf"), templateConfig("kept"));
  await initApplyPlan(config, w.env);
  // The state as the earlier release wrote it: the same resources under the old provider address.
  const stateFile = path.join(config, "terraform.tfstate");
  writeFileSync(stateFile, readFileSync(stateFile, "utf8").replaceAll(PROVIDER_SOURCE, "oc-cdktf.local/oc-cdktf/operations-center"));
  const before = await terraform(["plan", "-input=false", "-no-color"], { cwd: config, env: w.env });
  assert.notEqual(before.code, 0, before.stdout);
  const replaced = await terraform(["state", "replace-provider", "-auto-approve", "oc-cdktf.local/oc-cdktf/operations-center", PROVIDER_SOURCE], {
    cwd: config,
    env: w.env,
  });
  assert.equal(replaced.code, 0, replaced.stdout + replaced.stderr);
  const after = await terraform(["plan", "-input=false", "-no-color", "-detailed-exitcode"], { cwd: config, env: w.env });
  assert.equal(after.code, 0, `expected no changes:\n${after.stdout}${after.stderr}`);
  assert.deepEqual(templates(w), ["kept"]);
});

test("the same mirror directory, served as static files over HTTPS, is a network mirror terraform init installs from", async (t) => {
  const w = await workspace(t, "netmirror-");
  const mirror = path.join(w.dir, "mirror");
  const written = await run(process.execPath, [CLI, "provider", "mirror", mirror], { cwd: w.dir, env: w.env });
  assert.equal(written.code, 0, written.output);
  const { certificate, key } = await createSelfSignedCertificate({ commonName: "mirror", usage: "server", ipAddresses: ["127.0.0.1"] });
  const served: string[] = [];
  const server = createServer({ cert: certificate, key }, (request, response) => {
    const file = path.join(
      mirror,
      ...decodeURIComponent(new URL(request.url ?? "/", "https://mirror").pathname)
        .split("/")
        .filter((p) => p !== "" && p !== ".."),
    );
    served.push(path.relative(mirror, file));
    try {
      // A static web server's types by extension: Terraform requires application/json for the indexes.
      response.setHeader("Content-Type", file.endsWith(".json") ? "application/json" : "application/zip");
      response.end(readFileSync(file));
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const port = (server.address() as AddressInfo).port;
  const ca = path.join(w.dir, "mirror-ca.pem");
  writeFileSync(ca, certificate);
  const rc = path.join(w.dir, "network-mirror.tfrc");
  writeFileSync(rc, `provider_installation {\n  network_mirror {\n    url = "https://127.0.0.1:${port}/"\n  }\n}\n`);
  // Terraform (Go) trusts the certificates in SSL_CERT_FILE.
  const env = { ...w.env, TF_CLI_CONFIG_FILE: rc, SSL_CERT_FILE: ca };
  const config = path.join(w.dir, "config");
  mkdirSync(config);
  writeFileSync(path.join(config, "main.tf"), templateConfig("from-network-mirror"));
  assert.match(await tfOk(["init"], config, env), /Installed oc-cdktf\.invalid\/oc-cdktf\/operationscenter v0\.1\.0/);
  const dir = path.relative(mirror, providerDirectory(mirror));
  // Terraform reads the archive twice (to check it against the index's hashes, then to install it).
  assert.deepEqual(
    [...new Set(served)],
    [`${dir}/index.json`, `${dir}/0.1.0.json`, `${dir}/${archiveName("linux_amd64")}`].map((p) => p.split("/").join(path.sep)),
  );
  await tfOk(["apply", "-auto-approve"], config, env);
  assert.deepEqual(templates(w), ["from-network-mirror"]);
  // Terraform records the h1: hash only (it keeps a mirror's zh: hashes for signed registry packages).
  assert.ok(readFileSync(path.join(config, ".terraform.lock.hcl"), "utf8").includes(`"${packageHash()}"`));
  // The index's hashes are checked: an archive with other contents is refused.
  writeFileSync(
    path.join(providerDirectory(mirror), archiveName("linux_amd64")),
    zip([{ name: LAUNCHER_NAME, data: Buffer.from("#!/bin/sh\nexit 1\n"), mode: 0o755 }]),
  );
  for (const stale of [".terraform", ".terraform.lock.hcl"]) rmSync(path.join(config, stale), { recursive: true, force: true });
  const tampered = await terraform(["init", "-input=false", "-no-color"], { cwd: config, env });
  assert.notEqual(tampered.code, 0, tampered.stdout);
  assert.match(tampered.stderr, /checksum|hash/i);
});
