// What `npm pack` ships, against the list the issue sets: at most 1 MB; the library, the CLI and
// the provider bundle and nothing else (no source maps, no build metadata); no install scripts;
// LICENSE with the Apache-2.0 text; repository, homepage, bugs and keywords (cdktf among them);
// cdktf, cdktn and constructs as peers; engines as tested. And the shipped CLI and provider: the
// version, every command's --help, and a clear message on a Node.js that is too old.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { MINIMUM_NODE } from "../src/provider/node-version.js";
import { PROVIDER_SOURCE, PROVIDER_VERSION } from "../src/provider/identity.js";
import { writeProviderPackage } from "../src/provider/launcher.js";
import { MAX_TARBALL_BYTES } from "./bench/package-size.js";
import { NODE_18, nodeBinary, packedContents, ROOT } from "./package/consumer.js";

const manifest = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
  scripts: Record<string, string>;
  engines: { node: string };
  license: string;
  repository?: { url?: string };
  homepage?: string;
  bugs?: { url?: string };
  keywords?: string[];
  bin: Record<string, string>;
  dependencies: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  exports: Record<string, unknown>;
};

const SHIPPED = [
  /^package\.json$/,
  /^README\.md$/,
  /^LICENSE$/,
  /^dist\/lib\/.+\.(c?js|mjs|d\.ts)$/,
  /^dist\/lib\/package\.json$/,
  /^dist\/cli\/.+\.js$/,
  /^dist\/provider\/.+\.c?js$/,
];

test("the tarball is at most 1 MB and holds only the library, the CLI, the provider bundle, README, LICENSE and package.json", async () => {
  const packed = await packedContents();
  assert.ok(packed.size <= MAX_TARBALL_BYTES, `the tarball is ${packed.size} bytes, over ${MAX_TARBALL_BYTES}`);
  const unexpected = packed.files.map((f) => f.path).filter((p) => !SHIPPED.some((pattern) => pattern.test(p)));
  assert.deepEqual(unexpected, [], "files outside the list (source maps, build metadata, sources?)");
  for (const file of [
    "LICENSE",
    "README.md",
    "package.json",
    "dist/cli/main.js",
    "dist/provider/main.cjs",
    "dist/lib/constructs/index.js",
    "dist/lib/constructs/index.mjs",
  ]) {
    assert.ok(
      packed.files.some((f) => f.path === file),
      `${file} is not in the tarball`,
    );
  }
  // Every export and the bin point at shipped files.
  const targets = [
    ...Object.values(manifest.bin),
    ...Object.values(manifest.exports).flatMap((e) => (typeof e === "string" ? [e] : Object.values(e as Record<string, string>))),
  ];
  for (const target of targets) {
    const file = target.replace(/^\.\//, "");
    assert.ok(
      packed.files.some((f) => f.path === file),
      `${target} (bin or exports) is not in the tarball`,
    );
  }
  const cli = packed.files.find((f) => f.path === "dist/cli/main.js")!;
  assert.equal(cli.mode & 0o111, 0o111, "the CLI is not executable");
});

test("package.json: no install scripts, Apache-2.0 with its text, where the project lives, peers, engines", () => {
  for (const script of ["preinstall", "install", "postinstall", "prepare"])
    assert.equal(manifest.scripts[script], undefined, `scripts.${script} runs on every install`);
  assert.equal(manifest.license, "Apache-2.0");
  const license = readFileSync(path.join(ROOT, "LICENSE"), "utf8");
  assert.match(license, /Apache License\s+Version 2\.0, January 2004/);
  assert.match(license, /END OF TERMS AND CONDITIONS/);
  assert.match(manifest.repository?.url ?? "", /^git\+https:\/\/.+\.git$/);
  const repository = manifest.repository!.url!.replace(/^git\+/, "").replace(/\.git$/, "");
  assert.equal(manifest.homepage, `${repository}#readme`);
  assert.equal(manifest.bugs?.url, `${repository}/issues`);
  assert.ok(manifest.keywords?.includes("cdktf"), "keywords lack cdktf (cdktf init tells users to search keywords:cdktf)");
  for (const peer of ["cdktf", "cdktn", "constructs"]) {
    assert.equal(manifest.dependencies[peer], undefined, `${peer} is a dependency: an app gets a second copy`);
    assert.ok(manifest.peerDependencies?.[peer], `${peer} is not a peer`);
  }
  assert.equal(manifest.peerDependenciesMeta?.["cdktf"]?.optional, true, "a cdktn app must not get cdktf");
  assert.equal(manifest.peerDependenciesMeta?.["cdktn"]?.optional, true, "a cdktf app must not get cdktn");
  assert.equal(manifest.engines.node, `>=${MINIMUM_NODE}`);
});

test("the Node.js binaries the tests run are optional dependencies of the private test/node-binaries: npm ci installs this platform's, consumers none", () => {
  const consumerFields = ["dependencies", "optionalDependencies", "peerDependencies", "bundleDependencies", "bundledDependencies"] as const;
  const raw = manifest as unknown as Record<string, Record<string, string> | string[] | undefined>;
  for (const field of consumerFields) {
    const entries = Object.entries(raw[field] ?? {}).map(([name, spec]) => `${name} ${spec}`);
    assert.deepEqual(
      entries.filter((e) => /node-binaries|npm:node-|file:/.test(e)),
      [],
      `package.json ${field}: a consumer would install these`,
    );
  }
  assert.equal((raw["devDependencies"] as Record<string, string>)["test-node-binaries"], "file:test/node-binaries");
  // npm ci reads the lock file: every binary package in it must be optional and say its os and cpu,
  // or npm ci fails with EBADPLATFORM on every other platform.
  const lock = JSON.parse(readFileSync(path.join(ROOT, "package-lock.json"), "utf8")) as {
    packages: Record<string, { name?: string; optional?: boolean; dev?: boolean; os?: string | string[]; cpu?: string | string[] }>;
  };
  const binaries = Object.entries(lock.packages).filter(([, p]) => /^node-(linux|darwin|win)-/.test(p.name ?? ""));
  assert.ok(binaries.length > 0, "the lock file has no Node.js binary packages");
  for (const [where, p] of binaries) {
    assert.ok(p.optional && p.dev && p.os !== undefined && p.cpu !== undefined, `${where} (${p.name}) is not an optional dev package with os and cpu`);
  }
});

test("README links work on npm: absolute, into the repository package.json names", () => {
  const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
  const relative = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((target) => !/^(https?:|mailto:|#)/.test(target));
  assert.deepEqual(relative, [], "relative links are dead on npm");
  assert.match(readme, /npm install cdktf-operations-center/);
});

const CLI = path.join(ROOT, "dist", "cli", "main.js");
const cli = (args: string[], node = process.execPath) => spawnSync(node, [CLI, ...args], { encoding: "utf8", cwd: ROOT });

test("the shipped oc-cdktf: --version, and --help of every command exits 0", () => {
  const version = cli(["--version"]);
  assert.equal(version.status, 0, version.stderr);
  assert.equal(version.stdout, `oc-cdktf ${PROVIDER_VERSION} (provider ${PROVIDER_SOURCE} ${PROVIDER_VERSION})\n`);
  for (const command of [[], ["provider"], ["provider", "install"], ["provider", "serve"], ["local-oc"], ["validate"], ["plan-summary"], ["drift"]]) {
    const help = cli([...command, "--help"]);
    assert.equal(help.status, 0, `oc-cdktf ${[...command, "--help"].join(" ")} exited ${help.status}: ${help.stderr}`);
    assert.match(help.stdout, /usage: oc-cdktf/);
  }
});

test("on Node 18 the CLI and the provider say which Node.js they need", () => {
  const node18 = nodeBinary(NODE_18);
  const version = cli(["--version"], node18);
  assert.equal(version.status, 1);
  assert.match(version.stderr, new RegExp(`oc-cdktf needs Node\\.js ${MINIMUM_NODE.replace(/\./g, "\\.")} or newer .*this is Node\\.js 18\\.`));
  // The provider as Terraform starts it, through its launcher, with Node 18 first on PATH.
  const dir = mkdtempSync(path.join(tmpdir(), "oc-cdktf-node18-"));
  try {
    writeProviderPackage(path.join(dir, "terraform.d", "plugins"));
    writeFileSync(
      path.join(dir, "main.tf.json"),
      JSON.stringify({ terraform: { required_providers: { operationscenter: { source: PROVIDER_SOURCE, version: PROVIDER_VERSION } } } }),
    );
    writeFileSync(path.join(dir, "cli.tfrc"), "");
    const env = {
      ...process.env,
      PATH: `${path.dirname(node18)}${path.delimiter}${process.env["PATH"] ?? ""}`,
      TF_CLI_CONFIG_FILE: path.join(dir, "cli.tfrc"),
      CHECKPOINT_DISABLE: "1",
    };
    const init = spawnSync("terraform", ["init", "-input=false", "-no-color"], { cwd: dir, env, encoding: "utf8" });
    assert.equal(init.status, 0, init.stdout + init.stderr);
    const validate = spawnSync("terraform", ["validate", "-no-color"], { cwd: dir, env, encoding: "utf8" });
    assert.notEqual(validate.status, 0);
    const shown = (validate.stdout + validate.stderr).replace(/\s+/g, " ");
    assert.match(
      shown,
      new RegExp(`Operations Center Terraform provider \\(cdktf-operations-center\\) needs Node\\.js ${MINIMUM_NODE.replace(/\./g, "\\.")} or newer`),
      shown,
    );
    assert.doesNotMatch(shown, /File is not defined/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
