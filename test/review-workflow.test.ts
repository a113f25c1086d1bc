// The pull-request steps of examples/github-actions/operations-center-plan.yml, run as GitHub
// runs them (bash -e, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files) in a real stack against the
// local Operations Center, with npx answering `oc-cdktf` from this build.
import assert from "node:assert/strict";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { startE2E, type E2E } from "./e2e/harness.js";
import { REVIEW_STACK, synthReview } from "./e2e/review-scenario.js";
import { FIXTURES } from "./e2e/scenario.js";
import { loadWorkflow, namedStep, runStep, stepEnv } from "./e2e/workflow.js";

/** What GitHub fills in for the plan job's expressions, for the stack the scenario synthesizes. */
const HEAD_SHA = "0123456789abcdef0123456789abcdef01234567";
const CONTEXT = {
  "matrix.stack": REVIEW_STACK,
  "github.event.pull_request.head.sha": HEAD_SHA,
  "github.server_url": "https://github.com",
  "github.repository": "example/fleet",
  "github.run_id": "4242",
};

/** Runs the plan job's two steps in the stack; returns what they wrote to GITHUB_OUTPUT and the step summary. */
async function pullRequestSteps(e2e: E2E): Promise<{ outputs: string; stepSummary: string; comment: string }> {
  const bin = path.join(e2e.workdir, "bin");
  mkdirSync(bin, { recursive: true });
  const npx = path.join(bin, "npx");
  writeFileSync(npx, `#!/bin/sh\n[ "$1" = oc-cdktf ] || exit 127\nshift\nexec $OC_CDKTF "$@"\n`);
  chmodSync(npx, 0o755);
  const outputs = path.join(e2e.workdir, "github-output");
  const stepSummary = path.join(e2e.workdir, "step-summary");
  writeFileSync(outputs, "");
  writeFileSync(stepSummary, "");
  const env = { ...e2e.env, PATH: `${bin}:${e2e.env.PATH ?? ""}`, GITHUB_OUTPUT: outputs, GITHUB_STEP_SUMMARY: stepSummary, CHECKPOINT_DISABLE: "1" };
  const workflow = loadWorkflow();
  for (const name of ["terraform plan", "plan summary"]) {
    const step = namedStep(workflow, "plan", name);
    assert.equal(step["working-directory"], `cdktf.out/stacks/\${{ matrix.stack }}`, "the matrix leg's stack directory");
    // The steps' own `set +e` keep the exit codes under bash -e.
    const result = await runStep(step, { cwd: e2e.stackDir, env: { ...env, ...stepEnv(step, CONTEXT) } });
    assert.equal(result.code, 0, `step "${name}": ${result.stdout}${result.stderr}`);
  }
  return {
    outputs: readFileSync(outputs, "utf8"),
    stepSummary: readFileSync(stepSummary, "utf8"),
    comment: readFileSync(path.join(e2e.stackDir, "summary.md"), "utf8"),
  };
}

test("workflow: a destructive plan gives summary exit 3 (the second-approval job), the comment and the job summary; a failed plan exit 1 with its errors", async (t) => {
  const e2e = await startE2E({ seed: path.join(FIXTURES, "seed.yaml") });
  t.after(() => e2e.close());
  const outdir = path.join(e2e.workdir, "cdktf.out");
  e2e.stackDir = synthReview(outdir, { edge: { vlanTags: [100] }, labs: [{ name: "lab", servers: ["server04"], deletionPolicy: "factory-reset" }] });
  await e2e.initAndApply();

  e2e.stackDir = synthReview(outdir, {
    edge: { vlanTags: [100, 300], servers: ["server01", "server02"] },
    labs: [{ name: "lab", servers: ["server04"], deletionPolicy: "factory-reset" }],
  });
  const destructive = await pullRequestSteps(e2e);
  assert.equal(destructive.outputs, "exit=0\nexit=3\ndestructive=true\n", "the plan step, then the summary step");
  assert.match(destructive.comment, /^### ⚠️ Operations Center plan: 1 cluster \(1 to change\)/);
  assert.match(destructive.comment, /\| ⚠️ \| members: -server03 \(evacuated, then FACTORY-RESET\) \|/);
  // The plan -json log adds the provider's warnings.
  assert.match(destructive.comment, /- \*\*Warning\*\* \(`operationscenter_cluster\.edge`\): server03 will be removed from cluster "edge-1"/);
  assert.equal(destructive.stepSummary, destructive.comment);
  assert.ok(
    destructive.comment.endsWith(`\n<sub>stack \`review\` · commit ${HEAD_SHA} · [workflow run](https://github.com/example/fleet/actions/runs/4242)</sub>\n`),
    `the comment ends with the stack, the commit and the run:\n${destructive.comment}`,
  );
  assert.ok(existsSync(path.join(e2e.stackDir, "plan.bin")), "the plan file for the merge");

  e2e.stackDir = synthReview(outdir, {
    edge: { vlanTags: [100] },
    labs: [{ name: "lab", servers: ["server04"], deletionPolicy: "factory-reset", servicesConfig: { lvm: { enabled: false } } }],
  });
  const failed = await pullRequestSteps(e2e);
  assert.equal(failed.outputs, "exit=1\nexit=1\n", "the plan step, then the summary step");
  assert.match(failed.comment, /^### Operations Center plan FAILED: 1 error; nothing can be applied/);
  assert.match(failed.comment, /- \*\*Error\*\* \(`operationscenter_cluster\.lab`\): servicesConfig\.lvm changed/);
});
