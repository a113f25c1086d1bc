// The provider as a single executable (scripts/executables.ts) for linux_amd64, installed by
// Terraform from a packed mirror, runs init/plan/apply/destroy with no Node.js on PATH. Built from
// the pinned Node.js 20.18.1 binary of test/node-binaries, so the test needs no registry access.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { buildExecutables, PINNED_NODE } from "../scripts/executables.js";
import { writeMirror } from "../src/provider/mirror.js";
import { terraform } from "../src/review/terraform.js";
import { templateConfig, workspace } from "./e2e/workspace.js";

/** The directory holding the terraform on PATH: Terraform is a static Go binary and needs nothing else. */
function terraformOnly(dir: string): string {
  const bin = path.join(dir, "bin");
  mkdirSync(bin);
  const found = (process.env.PATH ?? "")
    .split(path.delimiter)
    .map((d) => path.join(d, "terraform"))
    .find((f) => existsSync(f));
  assert.ok(found, "terraform is not on PATH");
  symlinkSync(found, path.join(bin, "terraform"));
  return bin;
}

test("the linux_amd64 executable, installed from a packed mirror, inits, plans, applies and destroys with no node on PATH", async (t) => {
  const w = await workspace(t, "executable-");
  if (process.platform !== "linux" || process.arch !== "x64") throw new Error("this test runs the linux_amd64 executable: run it on Linux x64");
  const { packages, missing } = await buildExecutables(["linux_amd64"], path.join(w.dir, "build"), PINNED_NODE);
  assert.deepEqual(missing, []);
  const mirror = writeMirror(path.join(w.dir, "mirror"), packages);
  assert.ok(
    readFileSync(path.join(mirror.dir, "terraform-provider-operationscenter_0.1.0_SHA256SUMS"), "utf8").endsWith(
      "  terraform-provider-operationscenter_0.1.0_linux_amd64.zip\n",
    ),
  );

  const rc = path.join(w.dir, "mirror.tfrc");
  writeFileSync(rc, `provider_installation {\n  filesystem_mirror {\n    path = ${JSON.stringify(path.join(w.dir, "mirror"))}\n  }\n}\n`);
  const bin = terraformOnly(w.dir);
  const env = { ...w.env, TF_CLI_CONFIG_FILE: rc, PATH: bin };
  const config = path.join(w.dir, "infra");
  mkdirSync(config);
  writeFileSync(path.join(config, "main.tf"), templateConfig("no-node"));
  // Terraform, and the provider it starts, see a PATH with terraform alone.
  const tf = async (...args: string[]) => {
    const result = await terraform([...args, "-input=false", "-no-color"], { cwd: config, env });
    assert.equal(result.code, 0, `terraform ${args.join(" ")}:\n${result.stdout}${result.stderr}`);
    return result.stdout;
  };
  assert.match(await tf("init"), /Installed oc-cdktf\.invalid\/oc-cdktf\/operationscenter v0\.1\.0/);
  const lock = readFileSync(path.join(config, ".terraform.lock.hcl"), "utf8");
  assert.ok(
    mirror.hashes.filter((h) => h.startsWith("h1:")).every((h) => lock.includes(`"${h}"`)),
    lock,
  );
  assert.match(await tf("plan"), /operationscenter_cluster_template\.rack will be created/);
  await tf("apply", "-auto-approve");
  assert.deepEqual(
    w.oc.snapshot().templates.map((x) => x.name),
    ["no-node"],
  );
  await tf("destroy", "-auto-approve");
  assert.deepEqual(w.oc.snapshot().templates, []);
});
