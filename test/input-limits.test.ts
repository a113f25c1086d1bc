// Hostile input fails fast with the file or field named, at synth and at plan: YAML alias bombs,
// FIFOs and devices given as files, and values nested far too deep. What would block the process
// (reading a FIFO) is run in a child process with a time limit, so a regression fails the test
// instead of hanging it.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { Cluster, ClusterTemplate } from "../constructs/index.js";
import { ConfigError, loadConfigFile, servicesConfigSchema } from "../src/config/index.js";
import { parseYaml } from "../src/config/yaml-positions.js";
import { checkPlacementScriptlet } from "../src/config/starlark.js";
import type { ObjectValue } from "../src/provider/plugin/types.js";
import { clusterTemplateResource } from "../src/provider/resources/cluster-template.js";
import { incusClusterSettingsResource } from "../src/provider/resources/incus-cluster-settings.js";
import { capabilities, config as clusterConfig, resource as clusterResource } from "./fixtures/provider/cluster.js";
import { synth } from "./fixtures/constructs/synth.js";

const DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** A few hundred bytes of YAML whose aliases expand to width^levels values. */
function aliasBomb(levels: number, width = 9): string {
  let text = `l0: &l0 [${Array(width).fill('"lol"').join(", ")}]\n`;
  for (let i = 1; i < levels; i++)
    text += `l${i}: &l${i} [${Array(width)
      .fill(`*l${i - 1}`)
      .join(", ")}]\n`;
  return text;
}

const deepJson = (depth: number): string => `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;

function deepObject(depth: number): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  let node = root;
  for (let i = 0; i < depth; i++) {
    const child: Record<string, unknown> = {};
    node.a = child;
    node = child;
  }
  return root;
}

function withDir(fn: (dir: string) => void | Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "oc-cdktf-limits-"));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

const errorSummaries = (diagnostics: readonly { severity: string; summary: string }[]) =>
  diagnostics.filter((d) => d.severity === "error").map((d) => d.summary);

test(
  "a YAML alias bomb is refused with the file named, instead of being expanded",
  withDir((dir) => {
    const parsed = parseYaml(aliasBomb(9), "bomb.yaml");
    assert.equal(parsed.ok, false);
    assert.match(parsed.ok ? "" : parsed.problems[0]!.message, /it expands by more than 100000 values through aliases/);
    const file = path.join(dir, "services.yaml");
    writeFileSync(file, aliasBomb(9));
    assert.throws(
      () => loadConfigFile(servicesConfigSchema, file),
      (e: unknown) => e instanceof ConfigError && e.message.startsWith(`${file}: invalid YAML: it expands by more than 100000 values`),
    );
    // Anchors used a few times, as configs do, are fine.
    assert.equal(parseYaml("base: &b {enabled: true}\nlvm: *b\nnvme: *b\n", "ok.yaml").ok, true);
  }),
);

test(
  "a template whose config is an alias bomb fails the template's plan and its synth, naming the attribute or file",
  withDir((dir) => {
    const template: ObjectValue = {
      id: null,
      name: "bomb",
      description: null,
      services_config: aliasBomb(7),
      application_config: "config: {}\n",
      variables: {},
    };
    const problems = errorSummaries(clusterTemplateResource.validate!({ config: template, capabilities }) as { severity: string; summary: string }[]);
    assert.deepEqual(problems, [
      "services_config: it expands by more than 100000 values through aliases (or objects reused in it); write the values out or reuse fewer anchors",
    ]);

    const file = path.join(dir, "services.yaml");
    writeFileSync(file, aliasBomb(9));
    assert.throws(
      () => synth((s) => new ClusterTemplate(s, "t", { name: "bomb", servicesConfig: file, applicationConfig: {}, variables: {} })),
      new Error(
        `ClusterTemplate 's/t': servicesConfig file ${JSON.stringify(file)}: it expands by more than 100000 values through aliases (or objects reused in it); write the values out or reuse fewer anchors.`,
      ),
    );
    // The same built as an object that reuses its parts: written out with anchors, it is refused too.
    let bomb: unknown = Array(9).fill("lol");
    for (let i = 1; i < 9; i++) bomb = Array(9).fill(bomb);
    assert.throws(
      () => synth((s) => new ClusterTemplate(s, "t", { name: "bomb", servicesConfig: { lvm: bomb }, applicationConfig: {}, variables: {} })),
      new Error(
        "ClusterTemplate 's/t': servicesConfig expands by more than 100000 values through aliases (or objects reused in it); write the values out or reuse fewer anchors.",
      ),
    );
  }),
);

test("deep nesting is refused with the field named, never a stack overflow", async () => {
  // Plan: a services_config nested 100 000 deep.
  const diagnostics = await clusterResource.validate!({ config: clusterConfig({ services_config: deepJson(100_000) }), capabilities });
  assert.deepEqual(
    diagnostics.filter((d) => d.severity === "error").map((d) => [d.summary, d.path]),
    [["services_config nests lists and objects more than 100 deep; flatten it", ["services_config"]]],
  );
  // A YAML file nested too deep.
  const yaml = parseYaml(`${"[".repeat(20_000)}${"]".repeat(20_000)}`, "deep.yaml");
  assert.match(yaml.ok ? "" : yaml.problems[0]!.message, /^invalid YAML: it nests lists and objects more than 100 deep; flatten it/);
  // A placement scriptlet with 20 000 nested brackets.
  const scriptlet = `def instance_placement(request, candidate_members):\n    x = ${"[".repeat(20_000)}${"]".repeat(20_000)}\n    return\n`;
  const [problem, ...rest] = checkPlacementScriptlet(scriptlet, "placement_scriptlet");
  assert.deepEqual(rest, []);
  assert.equal(problem!.file, "placement_scriptlet");
  assert.equal(problem!.line, 2);
  assert.match(problem!.message, /nest more than 100 deep here/);
  // Synth: an inline config nested too deep.
  assert.throws(
    () => synth((s) => new Cluster(s, "a", { name: "a", servers: ["server01"], servicesConfig: deepObject(100_000) })),
    new Error("Cluster 's/a': servicesConfig: nests lists and objects more than 100 deep; flatten it"),
  );
  // Synth: an inline config that reuses an object so often that walking it would not end.
  let bomb: unknown = { enabled: true };
  for (let i = 0; i < 12; i++) bomb = { a: bomb, b: bomb, c: bomb, d: bomb };
  assert.throws(
    () => synth((s) => new Cluster(s, "a", { name: "a", servers: ["server01"], applicationConfig: { config: {}, profiles: [{ name: "p", config: bomb }] } })),
    /^Error: Cluster 's\/a': applicationConfig: expands by more than 100000 values through aliases \(or objects reused in it\)/,
  );
});

test(
  "a FIFO or a device given as a certificate or key file fails the plan, naming the attribute",
  withDir(async (dir) => {
    const fifo = path.join(dir, "client.key");
    assert.equal(spawnSync("mkfifo", [fifo]).status, 0);
    const settings = (extra: ObjectValue): ObjectValue => ({
      id: null,
      cluster: "alpha",
      remote: null,
      incus_address: "https://127.0.0.1:8443",
      incus_client_certificate: null,
      incus_client_key_file: null,
      incus_server_certificate: null,
      config: { "cluster.max_voters": "3" },
      placement_scriptlet: null,
      ...extra,
    });
    const problems = await incusClusterSettingsResource.validate!({
      config: settings({ incus_client_certificate: "/dev/zero", incus_client_key_file: fifo, incus_server_certificate: dir }),
      capabilities,
    });
    assert.deepEqual(errorSummaries(problems), [
      `incus_client_key_file: ${JSON.stringify(fifo)} is a named pipe (FIFO), not a regular file; give the path of a regular file`,
      `incus_client_certificate: "/dev/zero" is a character device, not a regular file; give the path of a regular file`,
      `incus_server_certificate: ${JSON.stringify(dir)} is a directory, not a regular file; give the path of a regular file`,
    ]);
  }),
);

// Each case would block a process that opened the FIFO, so they run in a child with a time limit.
test(
  "a FIFO or /dev/zero given as a config, template, certificate or key file fails synth and configure at once, naming the prop",
  withDir((dir) => {
    const fifo = path.join(dir, "input.yaml");
    assert.equal(spawnSync("mkfifo", [fifo]).status, 0);
    const big = path.join(dir, "big.yaml");
    writeFileSync(big, `# ${"x".repeat(5 * 1024 * 1024)}\n`);
    const script = `
    const { App, TerraformStack } = await import("cdktf");
    const { Cluster, ClusterTemplate, OperationsCenter } = await import(${JSON.stringify(path.join(DIST, "constructs/index.js"))});
    const { resolveRemote } = await import(${JSON.stringify(path.join(DIST, "src/client/remote.js"))});
    const out = [];
    const attempt = (fn) => { try { fn(); out.push("accepted"); } catch (e) { out.push(e.message); } };
    const stack = () => { const s = new TerraformStack(new App({ outdir: ${JSON.stringify(path.join(dir, "out"))} }), "s"); new OperationsCenter(s, "oc"); return s; };
    attempt(() => new Cluster(stack(), "a", { name: "a", servers: ["server01"], servicesConfig: ${JSON.stringify(fifo)} }));
    attempt(() => new Cluster(stack(), "a", { name: "a", servers: ["server01"], applicationConfig: "/dev/zero" }));
    attempt(() => new Cluster(stack(), "a", { name: "a", servers: ["server01"], applicationConfig: ${JSON.stringify(big)} }));
    attempt(() => new ClusterTemplate(stack(), "t", { name: "t", servicesConfig: ${JSON.stringify(fifo)}, applicationConfig: {}, variables: {} }));
    attempt(() => resolveRemote({ configDir: ${JSON.stringify(dir)}, env: { OPERATIONS_CENTER_URL: "https://127.0.0.1:1", OPERATIONS_CENTER_CLIENT_KEY: ${JSON.stringify(fifo)} } }));
    attempt(() => resolveRemote({ configDir: ${JSON.stringify(dir)}, env: { OPERATIONS_CENTER_URL: "https://127.0.0.1:1", OPERATIONS_CENTER_SERVER_CERT: "/dev/zero" } }));
    console.log(JSON.stringify(out));
  `;
    const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: path.resolve(DIST, ".."), encoding: "utf8", timeout: 60_000 });
    assert.equal(child.error, undefined, `the child did not finish: ${String(child.error)}`);
    assert.equal(child.status, 0, child.stderr);
    const messages = JSON.parse(child.stdout) as string[];
    const pipe = "is a named pipe (FIFO), not a regular file; give the path of a regular file";
    assert.deepEqual(messages, [
      `Cluster 's/a': ${fifo}: cannot read the file given as servicesConfig: it ${pipe}`,
      "Cluster 's/a': /dev/zero: cannot read the file given as applicationConfig: it is a character device, not a regular file; give the path of a regular file",
      `Cluster 's/a': ${big}: cannot read the file given as applicationConfig: it is larger than 4 MiB, the most that is read for it; give a smaller file`,
      `ClusterTemplate 's/t': servicesConfig file ${JSON.stringify(fifo)} ${pipe}.`,
      `OPERATIONS_CENTER_CLIENT_KEY: cannot read "${fifo}" (it ${pipe}); set it to a readable PEM file or to the PEM text itself.`,
      `OPERATIONS_CENTER_SERVER_CERT: cannot read "/dev/zero" (it is a character device, not a regular file; give the path of a regular file); set it to a readable PEM file or to the PEM text itself.`,
    ]);
  }),
);
