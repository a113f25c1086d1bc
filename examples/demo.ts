// `npm run demo`: the main job end to end on this machine. Starts a local Operations Center with
// six registered servers, synthesizes examples/one-off-and-template, and runs the real terraform
// (init, apply, a second plan that must be empty, destroy) in the synthesized stack directory.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { startLocalOperationsCenter, type LocalOperationsCenter } from "../src/local-oc/index.js";
import { terraform } from "../src/review/terraform.js";
import { buildApp } from "./one-off-and-template/main.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** What exists in Operations Center, as a short table a person reads. */
function inventoryTable(state: ReturnType<LocalOperationsCenter["snapshot"]>): string {
  const rows: string[][] = [["KIND", "NAME", "STATUS", "MEMBERS / DETAIL"]];
  for (const cluster of state.clusters) {
    const members = state.servers.filter((s) => s.cluster === cluster.name).map((s) => s.name).sort();
    rows.push(["cluster", cluster.name, cluster.status, members.join(", ")]);
  }
  for (const template of state.templates) {
    rows.push(["template", template.name, "-", `variables ${Object.keys(template.variables).sort().join(", ")}`]);
  }
  const free = state.servers.filter((s) => s.cluster === null).map((s) => s.name).sort();
  rows.push(["servers", "(unclustered)", "-", free.join(", ") || "none"]);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join("  ")).join("\n") + "\n";
}

function heading(text: string): void {
  process.stdout.write(`\n=== ${text}\n`);
}

async function main(): Promise<number> {
  const workdir = path.join(root, ".demo");
  rmSync(workdir, { recursive: true, force: true });
  mkdirSync(workdir, { recursive: true });

  heading("starting a local Operations Center with 6 registered servers");
  const oc = await startLocalOperationsCenter({ servers: 6 });
  try {
    const configDir = path.join(workdir, "operations-center");
    await oc.writeClientConfig(configDir);
    process.stdout.write(`listening on ${oc.url}; operations-center CLI config in ${path.relative(root, configDir)}\n`);
    // The demo talks to nothing but its own Operations Center: no CLI configuration of this machine applies.
    const terraformrc = path.join(workdir, "terraformrc");
    writeFileSync(terraformrc, "");
    const env: NodeJS.ProcessEnv = { ...process.env, OPERATIONS_CENTER_CONF: configDir, TF_CLI_CONFIG_FILE: terraformrc, CHECKPOINT_DISABLE: "1" };
    for (const key of Object.keys(env)) if (key.startsWith("OPERATIONS_CENTER_") && key !== "OPERATIONS_CENTER_CONF") delete env[key];

    heading("cdktf synth (examples/one-off-and-template)");
    const outdir = path.join(workdir, "cdktf.out");
    buildApp(outdir).synth();
    const stackDir = path.join(outdir, "stacks", "clusters");
    process.stdout.write(`synthesized ${path.relative(root, stackDir)}/cdk.tf.json\n`);

    const steps: [string, string[]][] = [
      ["terraform init", ["init", "-input=false", "-no-color"]],
      ["terraform apply: create the template and both clusters", ["apply", "-input=false", "-auto-approve", "-no-color"]],
      ["terraform plan: nothing changed, so no changes", ["plan", "-input=false", "-detailed-exitcode", "-no-color"]],
    ];
    for (const [title, args] of steps) {
      heading(title);
      const result = await terraform(args, { cwd: stackDir, env, echo: true });
      if (result.code !== 0) {
        process.stderr.write(`demo: ${title} exited ${result.code}\n`);
        return 1;
      }
    }

    heading("Operations Center now holds");
    process.stdout.write(inventoryTable(oc.snapshot()));

    heading("terraform destroy: each cluster follows its deletion policy (forget), the template is deleted");
    const destroyed = await terraform(["destroy", "-input=false", "-auto-approve", "-no-color"], { cwd: stackDir, env, echo: true });
    if (destroyed.code !== 0) return 1;
    process.stdout.write(`\ndemo finished: ${oc.requests.length} API requests served\n`);
    return 0;
  } finally {
    await oc.close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`demo: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
