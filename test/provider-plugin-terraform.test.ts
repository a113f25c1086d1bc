// The plugin layer driven by the real terraform binary, through the toy provider in
// test/fixtures/plugin, installed from an implied local mirror (terraform.d/plugins).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const entry = join(dirname(fileURLToPath(import.meta.url)), "fixtures", "plugin", "main.js");

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

interface Workspace {
  readonly dir: string;
  readonly store: string;
  terraform(args: readonly string[], env?: Record<string, string>): Promise<Run>;
  /** createBarrier: creates the toy holds back until that many run at once. */
  writeConfig(resources: Record<string, unknown>, createBarrier?: number): Promise<void>;
}

async function workspace(t: { after(fn: () => Promise<void>): void }): Promise<Workspace> {
  const dir = await mkdtemp(join(tmpdir(), "plugin-tf-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const store = join(dir, "store");
  await mkdir(store);
  const pluginDir = join(dir, "terraform.d", "plugins", "example.test", "toy", "toy", "0.0.1", "linux_amd64");
  await mkdir(pluginDir, { recursive: true });
  const launcher = join(pluginDir, "terraform-provider-toy_v0.0.1");
  await writeFile(launcher, `#!/bin/sh\nexec "${process.execPath}" "${entry}"\n`);
  await chmod(launcher, 0o755);
  const env = {
    PATH: process.env["PATH"] ?? "",
    HOME: dir,
    TF_CLI_CONFIG_FILE: join(dir, "no-such.tfrc"),
    CHECKPOINT_DISABLE: "1",
    TF_IN_AUTOMATION: "1",
  };
  return {
    dir,
    store,
    terraform: (args, extra = {}) =>
      new Promise((resolve) =>
        execFile("terraform", [...args, "-no-color"], { cwd: dir, env: { ...env, ...extra }, maxBuffer: 64 << 20 }, (error, stdout, stderr) =>
          resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
        ),
      ),
    writeConfig: (resources, createBarrier) =>
      writeFile(
        join(dir, "main.tf.json"),
        JSON.stringify(
          {
            terraform: { required_providers: { toy: { source: "example.test/toy/toy", version: "0.0.1" } } },
            provider: { toy: { store_dir: store, ...(createBarrier !== undefined ? { create_barrier: createBarrier } : {}) } },
            resource: { toy_note: resources },
            data: { toy_echo: { e: { input: "hi" } } },
            output: { echo: { value: "${data.toy_echo.e.output}" } },
          },
          null,
          2,
        ),
      ),
  };
}

function ok(run: Run, what: string): Run {
  assert.equal(run.code, 0, `${what} failed:\n${run.stdout}\n${run.stderr}`);
  return run;
}

const SECRET = "s3cret-value";
const main = {
  name: "first",
  body: "hello",
  size: 3,
  enabled: true,
  tags: ["a", "b"],
  labels: ["y", "x"],
  meta: { k: "v" },
  extra: { n: 1, list: ["p"] },
  token: "tok-123",
  secret: SECRET,
  owner: { name: "ann", email: "a@example.test" },
  rule: [{ port: 80, protocol: "tcp" }, { port: 443 }],
};
const many = { count: 10, name: "many-${count.index}" };

interface ShownResource {
  readonly address: string;
  readonly values: Record<string, unknown>;
}

async function shownResources(ws: Workspace): Promise<Map<string, Record<string, unknown>>> {
  const shown = JSON.parse(ok(await ws.terraform(["show", "-json"]), "show").stdout) as {
    values: { root_module: { resources: ShownResource[] } };
  };
  return new Map(shown.values.root_module.resources.map((r) => [r.address, r.values]));
}

async function editNote(ws: Workspace, id: string, edit: (state: Record<string, unknown>) => void): Promise<void> {
  const path = join(ws.store, `${id}.json`);
  const file = JSON.parse(await readFile(path, "utf8")) as { state: Record<string, unknown> };
  edit(file.state);
  await writeFile(path, JSON.stringify(file));
}

test("a toy provider's whole lifecycle through terraform", { timeout: 90_000 }, async (t) => {
  const ws = await workspace(t);
  await ws.writeConfig({ main, many }, 10);
  assert.match(ok(await ws.terraform(["init", "-input=false"]), "init").stdout, /Installed example\.test\/toy\/toy v0\.0\.1 \(unauthenticated\)/);

  const plan = ok(await ws.terraform(["plan", "-input=false", "-out=tfplan"]), "plan").stdout;
  assert.match(plan, /id +?= \(known after apply\)/);
  assert.match(plan, /created_at += \(known after apply\)/);
  assert.match(plan, /token += \(sensitive value\)/);
  assert.match(plan, /secret += \(write-only attribute\)/);
  assert.match(plan, new RegExp(`secret_digest = "${createHash("sha256").update(SECRET).digest("hex")}"`));
  assert.match(plan, /Plan: 11 to add, 0 to change, 0 to destroy/);

  // The toy's creates wait until 10 run at once, so this apply also shows calls are concurrent.
  assert.match(ok(await ws.terraform(["apply", "-input=false", "tfplan"]), "apply").stdout, /Apply complete! Resources: 11 added/);

  const stateText = await readFile(join(ws.dir, "terraform.tfstate"), "utf8");
  assert.doesNotMatch(stateText, new RegExp(SECRET));
  assert.doesNotMatch(stateText, /read-back-secret/);
  const showText = ok(await ws.terraform(["show", "-json"]), "show").stdout;
  assert.doesNotMatch(showText, new RegExp(SECRET));
  const resources = await shownResources(ws);
  const mainValues = resources.get("toy_note.main")!;
  const { id, created_at, secret_digest, ...configured } = mainValues;
  assert.deepEqual(configured, {
    ...main,
    labels: ["x", "y"],
    secret: null,
    rule: [
      { port: 80, protocol: "tcp" },
      { port: 443, protocol: null },
    ],
  });
  assert.equal(secret_digest, createHash("sha256").update(SECRET).digest("hex"));
  assert.equal(typeof created_at, "string");
  assert.deepEqual(JSON.parse(await readFile(join(ws.store, `${String(id)}.json`), "utf8")).state.name, "first");
  assert.equal(resources.get("data.toy_echo.e")!["output"], "echo: hi");

  const again = await ws.terraform(["plan", "-input=false", "-detailed-exitcode"]);
  assert.equal(again.code, 0, again.stdout + again.stderr);
  assert.match(again.stdout, /No changes\./);

  // Behind Terraform's back: one note edited, one gone.
  await editNote(ws, String(id), (state) => (state["body"] = "edited by hand"));
  const goneId = String(resources.get("toy_note.many[3]")!["id"]);
  await rm(join(ws.store, `${goneId}.json`));
  const drift = ok(await ws.terraform(["plan", "-input=false"]), "drift plan").stdout;
  assert.match(drift, /# toy_note\.main will be updated in-place/);
  assert.match(drift, /~ body += "edited by hand" -> "hello"/);
  assert.match(drift, /# toy_note\.many\[3\] will be created/);

  await ws.writeConfig({ main: { ...main, name: "renamed" }, many });
  const replace = ok(await ws.terraform(["plan", "-input=false"]), "replace plan").stdout;
  assert.match(replace, /-\/\+ resource "toy_note" "main"/);
  assert.match(replace, /~ name += "first" -> "renamed" # forces replacement/);

  await ws.writeConfig({ main, many });
  const logged = ok(await ws.terraform(["apply", "-input=false", "-auto-approve"], { TF_LOG_PROVIDER: "INFO" }), "logged apply");
  assert.match(logged.stdout, /Resources: 1 added, 1 changed, 0 destroyed/);
  assert.match(logged.stderr, /\[INFO\] +provider\.terraform-provider-toy_v0\.0\.1: toy provider configured: @module=provider\.toy/);
  assert.match(logged.stderr, /\[INFO\] +provider\.terraform-provider-toy_v0\.0\.1: toy note created: .*id=/);
  assert.doesNotMatch(logged.stderr, /RPC ApplyResourceChange/);

  await writeFile(
    join(ws.store, "imp-1.json"),
    JSON.stringify({ rev: 4, state: { id: "imp-1", name: "imported", body: "from outside", created_at: "2020-01-01T00:00:00Z", rule: [] } }),
  );
  await ws.writeConfig({ main, many, imp: { name: "imported", body: "from outside" } });
  assert.match(ok(await ws.terraform(["import", "-input=false", "toy_note.imp", "imp-1"]), "import").stdout, /Import successful!/);
  assert.match(ok(await ws.terraform(["state", "show", "toy_note.imp"]), "state show").stdout, /body += "from outside"/);
  const afterImport = await ws.terraform(["plan", "-input=false", "-detailed-exitcode"]);
  assert.equal(afterImport.code, 0, afterImport.stdout + afterImport.stderr);

  const destroy = ok(await ws.terraform(["destroy", "-input=false", "-auto-approve"]), "destroy").stdout;
  assert.match(destroy, /Warning: note first will be deleted/);
  assert.match(destroy, /Destroy complete! Resources: 12 destroyed/);
  assert.deepEqual(await readdir(ws.store), []);
});

test("validation errors name the configuration line of the attribute", { timeout: 90_000 }, async (t) => {
  const ws = await workspace(t);
  await ws.writeConfig({ bad: { name: "bad", size: -1, rule: [{ port: 80 }, { port: 70000 }] } });
  ok(await ws.terraform(["init", "-input=false"]), "init");
  const run = await ws.terraform(["validate"]);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /Error: size must not be negative/);
  assert.match(run.stderr, /on main\.tf\.json line \d+, in resource\.toy_note\.bad:\n *\d+: +"size": -1/);
  assert.match(run.stderr, /size is -1; use 0 or more\./);
  assert.match(run.stderr, /Error: port out of range/);
  assert.match(run.stderr, /in resource\.toy_note\.bad\.rule\[1\]:\n *\d+: +"port": 70000/);
});

test("a state stored at schema version 0 is upgraded, missing attributes filled", { timeout: 90_000 }, async (t) => {
  const ws = await workspace(t);
  await ws.writeConfig({ old: { name: "old", body: "legacy" } });
  ok(await ws.terraform(["init", "-input=false"]), "init");
  // Version 0 called the body "text" and had none of the computed attributes.
  const instance = {
    schema_version: 0,
    attributes: { id: "old-1", name: "old", text: "legacy" },
    // Terraform plans an update when a sensitive mark is missing from state, so mark the token.
    sensitive_attributes: [[{ type: "get_attr", value: "token" }]],
  };
  await writeFile(
    join(ws.dir, "terraform.tfstate"),
    JSON.stringify({
      version: 4,
      terraform_version: "1.11.4",
      serial: 1,
      lineage: "4c1d1f9e-0000-4000-8000-000000000001",
      outputs: { echo: { value: "echo: hi", type: "string" } },
      resources: [{ mode: "managed", type: "toy_note", name: "old", provider: 'provider["example.test/toy/toy"]', instances: [instance] }],
    }),
  );
  const run = await ws.terraform(["plan", "-input=false", "-refresh=false", "-detailed-exitcode"]);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /No changes\./);
});
