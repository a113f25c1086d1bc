// `npm run demo`: the whole job on this machine, from examples/fleet, against a local Operations
// Center with six registered servers and the real terraform:
//   1. synth both stacks and apply them: a template-based and a one-off cluster, with VLAN tags, a
//      storage target, an application, a kernel config and Incus settings;
//   2. a change, shown as `oc-cdktf plan-summary` renders it for a reviewer, then applied;
//   3. a change made by hand in Operations Center, found by `oc-cdktf drift`;
//   4. destroy.
// Everything runs in .demo/ and in this process; nothing is left running when it ends.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { OperationsCenterClient } from "../src/client/index.js";
import { startLocalOperationsCenter, type LocalOperationsCenter } from "../src/local-oc/index.js";
import { terraform } from "../src/review/terraform.js";
import { buildApp, defaultFleet, FLEET_STACKS, incusClientCertificate, type Fleet } from "./fleet/main.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const CLI = path.join(root, "dist", "src", "cli", "main.js");

type Rows = string[][];

/** Columns padded to their widest cell; the last column is not padded. */
export function table(rows: Rows): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return `${rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join("  ")).join("\n")}\n`;
}

const list = (items: readonly (string | number)[]): string => (items.length === 0 ? "-" : items.join(","));

/** What Operations Center and the clusters' Incus hold now, as short tables. */
function inventory(oc: LocalOperationsCenter): string {
  const state = oc.snapshot();
  const clusters: Rows = [["CLUSTER", "STATUS", "TEMPLATE", "MEMBERS"]];
  for (const c of [...state.clusters].sort((a, b) => a.name.localeCompare(b.name))) {
    clusters.push([c.name, c.status, c.cluster_template || "-", list([...c.members].sort())]);
  }
  const templates = state.templates.map((t) => t.name).sort();
  const servers: Rows = [["SERVER", "CLUSTER", "VLANS eth0", "STORAGE TARGETS", "APPLICATIONS", "KERNEL BLACKLIST"]];
  for (const s of state.servers) {
    const eth0 = (s.incusos.network.interfaces ?? []).find((d) => d.name === "eth0");
    const targets = (service: string) =>
      ((s.incusos.services[service] as { targets?: { address: string }[] } | undefined)?.targets ?? []).map((t) => `${service} ${t.address}`);
    const blacklist = (s.incusos.kernel as { blacklist_modules?: string[] }).blacklist_modules ?? [];
    servers.push([
      s.name,
      s.cluster ?? "-",
      list([...(eth0?.vlan_tags ?? [])].sort((a, b) => a - b)),
      list([...targets("iscsi"), ...targets("nvme")]),
      list(s.incusos.applications.map((a) => a.name)),
      list(blacklist),
    ]);
  }
  const incus: Rows = [["CLUSTER", "INCUS", "VALUE"]];
  for (const [name, cluster] of Object.entries(oc.saveSnapshot().incus_clusters ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    for (const [key, value] of Object.entries(cluster.config).sort()) incus.push([name, key, value]);
    for (const [member, m] of Object.entries(cluster.members).sort()) {
      if (m.roles.length > 0 || m.failure_domain !== "default")
        incus.push([name, `member ${member}`, `roles ${list(m.roles)}, failure domain ${m.failure_domain}`]);
    }
  }
  return [
    clusters.length > 1 ? table(clusters) : "clusters: none\n",
    `templates: ${list(templates)}\n`,
    table(servers),
    incus.length > 1 ? table(incus) : "Incus: no cluster\n",
  ].join("\n");
}

function run(
  command: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

export interface DemoOptions {
  /** Emptied first; the stacks, their state and the client configurations go here. */
  workdir: string;
  write: (text: string) => void;
}

/** Runs the four steps; returns 0 when every step did what it says. */
export async function runDemo({ workdir, write }: DemoOptions): Promise<number> {
  rmSync(workdir, { recursive: true, force: true });
  mkdirSync(workdir, { recursive: true });
  const heading = (text: string) => write(`\n=== ${text}\n`);
  const fail = (what: string, result: { code: number; stdout: string; stderr: string }) => {
    write(result.stdout + result.stderr);
    write(`demo: ${what} exited ${result.code}\n`);
    return 1;
  };

  heading("a local Operations Center with 6 registered servers");
  const oc = await startLocalOperationsCenter({ servers: 6 });
  let client: OperationsCenterClient | undefined;
  try {
    const configDir = path.join(workdir, "operations-center");
    await oc.writeClientConfig(configDir);
    const incusDir = await oc.writeIncusConfig(path.join(workdir, "incus"));
    write(`listening on ${oc.url}; CLI configurations for operations-center and incus in ${workdir}\n`);
    // The demo talks to nothing but its own Operations Center: no configuration of this machine applies.
    const terraformrc = path.join(workdir, "terraformrc");
    writeFileSync(terraformrc, "");
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      OPERATIONS_CENTER_CONF: configDir,
      INCUS_CONF: incusDir,
      TF_CLI_CONFIG_FILE: terraformrc,
      CHECKPOINT_DISABLE: "1",
    };
    for (const key of Object.keys(env)) if (key.startsWith("OPERATIONS_CENTER_") && key !== "OPERATIONS_CENTER_CONF") delete env[key];
    for (const key of ["PG_CONN_STR", "TF_LOG", "TF_LOG_PROVIDER"]) delete env[key];
    client = OperationsCenterClient.fromEnvironment({ env });

    const outdir = path.join(workdir, "cdktf.out");
    const stackDir = (stack: string) => path.join(outdir, "stacks", stack);
    const tf = (stack: string, command: string, ...args: string[]) => terraform([command, "-input=false", "-no-color", ...args], { cwd: stackDir(stack), env });
    const synth = (fleet: Fleet) => buildApp(fleet, { outdir, env }).synth();
    /** The line of terraform's output that says what it did. */
    const outcome = (text: string) => text.split("\n").find((l) => /^(Apply complete|Destroy complete|No changes)/.test(l)) ?? "";

    heading("1. cdktf synth (examples/fleet) and terraform apply, stack by stack");
    const fleet = defaultFleet(incusClientCertificate(env));
    synth(fleet);
    for (const stack of FLEET_STACKS) {
      const init = await tf(stack, "init");
      if (init.code !== 0) return fail(`terraform init (${stack})`, init);
      const applied = await tf(stack, "apply", "-auto-approve");
      if (applied.code !== 0) return fail(`terraform apply (${stack})`, applied);
      write(`${stack}: ${outcome(applied.stdout)}\n`);
    }
    heading("Operations Center now holds");
    write(inventory(oc));

    heading("2. a change for review: VLAN 300 and one more blacklisted module on site1");
    synth({ ...fleet, site1: { ...fleet.site1, vlanTags: [100, 200, 300], kernel: { blacklist_modules: ["nouveau", "radeon"] } } });
    const planned = await tf("sites", "plan", "-out=plan.bin");
    if (planned.code !== 0) return fail("terraform plan (sites)", planned);
    const shown = await run("terraform", ["show", "-json", "plan.bin"], { cwd: stackDir("sites"), env });
    if (shown.code !== 0) return fail("terraform show -json", shown);
    writeFileSync(path.join(stackDir("sites"), "plan.json"), shown.stdout);
    const summary = await run(process.execPath, [CLI, "plan-summary", "plan.json", "--format", "text"], { cwd: stackDir("sites"), env });
    if (summary.code !== 0) return fail("oc-cdktf plan-summary", summary);
    write(`$ oc-cdktf plan-summary plan.json --format text\n${summary.stdout}`);
    const approved = await tf("sites", "apply", "plan.bin");
    if (approved.code !== 0) return fail("terraform apply plan.bin (sites)", approved);
    write(`sites: ${outcome(approved.stdout)} (the reviewed plan file)\n`);

    heading("3. changed by hand in Operations Center: lab's description, and VLAN 100 taken off server02");
    const live = await client.getCluster("lab");
    await client.updateCluster("lab", { ...live.cluster, description: "edited by hand" });
    const network = await client.incusOS.getNetwork("server02");
    const eth0 = network.config?.interfaces?.find((d) => d.name === "eth0");
    if (eth0 !== undefined) eth0.vlan_tags = (eth0.vlan_tags ?? []).filter((tag) => tag !== 100);
    await client.incusOS.putNetwork("server02", network);
    const drift = await run(process.execPath, [CLI, "drift", outdir, "--format", "text"], { cwd: workdir, env });
    // Exit 2: drift found, which is what this step shows.
    if (drift.code !== 2) return fail("oc-cdktf drift (expected exit 2: drift found)", drift);
    write(`$ oc-cdktf drift cdktf.out --format text\n${drift.stdout}`);

    heading(
      "4. terraform destroy: site1 is forgotten (Operations Center drops it and its servers, which keep running), lab is factory-reset (its servers register again, empty)",
    );
    for (const stack of [...FLEET_STACKS].reverse()) {
      const destroyed = await tf(stack, "destroy", "-auto-approve");
      if (destroyed.code !== 0) return fail(`terraform destroy (${stack})`, destroyed);
      write(`${stack}: ${outcome(destroyed.stdout)}\n`);
    }
    await oc.registerPendingNow();
    heading("Operations Center now holds");
    write(inventory(oc));
    write(`\ndemo finished: ${oc.requests.length} API requests served; the local Operations Center stops now\n`);
    return 0;
  } finally {
    await client?.close();
    await oc.close();
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  runDemo({ workdir: path.join(root, ".demo"), write: (text) => process.stdout.write(text) }).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`demo: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
