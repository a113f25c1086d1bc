// examples/fleet with its state in PostgreSQL (cdktf's PgBackend, PG_CONN_STR), against the local
// Operations Center and a PostgreSQL server on loopback started for the test. A second apply while
// the first holds the state lock (waiting at its approval prompt, as a person reviewing it does) is
// refused by the lock before any call to Operations Center; the first then completes, and nothing
// is lost: the state in PostgreSQL has every resource and the next plans are empty.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { buildApp, defaultFleet, FLEET_STACKS, incusClientCertificate, type Fleet } from "../examples/fleet/main.js";
import { startE2E } from "./e2e/harness.js";
import { startPostgres } from "./e2e/postgres.js";

/** Waits until the first apply prints its approval prompt; it then holds the state lock. */
const PROMPT_TIMEOUT_MS = 120_000;

interface PendingApply {
  /** Resolves once the prompt is printed; rejects when the apply ends first or the bound passes. */
  prompted: Promise<void>;
  answer(text: string): Promise<{ code: number; output: string }>;
  /** Ends the apply if it is still waiting (a failed assertion before the answer). */
  cancel(): void;
}

/** `terraform apply` without -auto-approve: it plans under the lock, then asks for approval on stdin. */
function applyAwaitingApproval(cwd: string, env: NodeJS.ProcessEnv): PendingApply {
  const child = spawn("terraform", ["apply", "-no-color"], { cwd, env, stdio: ["pipe", "pipe", "pipe"] });
  let output = "";
  const exited = new Promise<{ code: number; output: string }>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, output }));
  });
  const prompted = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`no approval prompt within ${PROMPT_TIMEOUT_MS} ms:\n${output}`));
    }, PROMPT_TIMEOUT_MS);
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Enter a value:")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`terraform apply ended before asking for approval:\n${output}`));
    });
  });
  return {
    prompted,
    answer(text) {
      child.stdin.end(text);
      return exited;
    },
    cancel() {
      if (child.exitCode === null && child.signalCode === null) child.kill();
    },
  };
}

test("fleet in PostgreSQL state: applied, a second concurrent apply is refused by the state lock, and nothing is lost", async (t) => {
  // The servers first: a missing PostgreSQL fails here, with how to install it.
  const pg = await startPostgres();
  t.after(() => pg.close());
  const e2e = await startE2E({ servers: 6 });
  t.after(() => e2e.close());
  e2e.env.INCUS_CONF = await e2e.oc.writeIncusConfig(path.join(e2e.workdir, "incus-config"));
  e2e.env.PG_CONN_STR = pg.connStr;
  e2e.env.CHECKPOINT_DISABLE = "1";
  const outdir = path.join(e2e.workdir, "cdktf.out");
  const fleet = defaultFleet(incusClientCertificate(e2e.env));
  const synth = (f: Fleet) => buildApp(f, { outdir, env: e2e.env }).synth();
  const stackDir = (stack: string) => path.join(outdir, "stacks", stack);

  synth(fleet);
  for (const stack of FLEET_STACKS) {
    const json = readFileSync(path.join(stackDir(stack), "cdk.tf.json"), "utf8");
    const backend = (JSON.parse(json) as { terraform: { backend: Record<string, unknown> } }).terraform.backend;
    assert.deepEqual(backend, { pg: { conn_str: "", schema_name: `oc_fleet_${stack}` } }, "Terraform reads PG_CONN_STR itself");
    assert.ok(!json.includes(pg.connStr), "the connection string is not in cdk.tf.json");
    e2e.stackDir = stackDir(stack);
    await e2e.initAndApply();
    assert.ok(!existsSync(path.join(stackDir(stack), "terraform.tfstate")), "no local state");
  }
  const resources = async (stack: string) => {
    const data = await pg.query(`SELECT data FROM oc_fleet_${stack}.states WHERE name = 'default'`);
    const state = JSON.parse(data) as { serial: number; resources: { type: string; name: string }[] };
    return { serial: state.serial, addresses: state.resources.map((r) => `${r.type}.${r.name}`).sort() };
  };
  const sitesBefore = await resources("sites");
  assert.deepEqual(sitesBefore.addresses, [
    "operationscenter_cluster.site1",
    "operationscenter_cluster_iscsi_target.san",
    "operationscenter_cluster_kernel_config.kernel",
    "operationscenter_cluster_template.site",
    "operationscenter_cluster_vlan_tags.site1_vlan_tags_eth0",
  ]);
  assert.deepEqual((await resources("lab")).addresses, [
    "operationscenter_cluster.lab",
    "operationscenter_cluster_application.debug",
    "operationscenter_incus_cluster_member.event-hub",
    "operationscenter_incus_cluster_settings.settings",
  ]);

  // The change: VLAN 300 on site1. The first apply plans it and waits for approval, holding the lock.
  synth({ ...fleet, site1: { ...fleet.site1, vlanTags: [100, 200, 300] } });
  e2e.stackDir = stackDir("sites");
  const first = applyAwaitingApproval(e2e.stackDir, e2e.env);
  t.after(() => first.cancel());
  await first.prompted;
  e2e.oc.clearRequests();
  const second = await e2e.tf("apply", "-input=false", "-auto-approve", "-no-color");
  assert.equal(second.code, 1, second.stdout + second.stderr);
  assert.match(second.stderr, /Error acquiring the state lock/);
  assert.match(second.stderr, /Workspace is already locked: default/);
  assert.match(second.stderr, /Operation: +OperationTypeApply/, "the lock info names the first apply");
  assert.deepEqual(e2e.changes(), [], "the refused apply changed nothing in Operations Center");

  const approved = await first.answer("yes\n");
  assert.equal(approved.code, 0, approved.output);
  assert.match(approved.output, /Apply complete! Resources: 0 added, 1 changed, 0 destroyed\./);
  for (const name of fleet.site1.servers) {
    const eth0 = e2e.oc
      .snapshot()
      .servers.find((s) => s.name === name)!
      .incusos.network.interfaces!.find((d) => d.name === "eth0")!;
    assert.deepEqual(
      [...eth0.vlan_tags!].sort((a, b) => a - b),
      [100, 200, 300],
      name,
    );
  }
  const sitesAfter = await resources("sites");
  assert.deepEqual(sitesAfter.addresses, sitesBefore.addresses, "every resource is still in the state");
  assert.ok(sitesAfter.serial > sitesBefore.serial, "the first apply wrote the state");
  for (const stack of FLEET_STACKS) {
    e2e.stackDir = stackDir(stack);
    assert.deepEqual(await e2e.planChanges(), {}, `stack ${stack} matches Operations Center`);
  }

  for (const stack of [...FLEET_STACKS].reverse()) {
    e2e.stackDir = stackDir(stack);
    const destroyed = await e2e.tf("destroy", "-input=false", "-auto-approve", "-no-color");
    assert.equal(destroyed.code, 0, destroyed.stdout + destroyed.stderr);
    assert.deepEqual((await resources(stack)).addresses, [], `stack ${stack}: an empty state in PostgreSQL`);
  }
});
