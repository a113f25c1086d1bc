// `npm run demo`: the main job end to end on this machine. Starts a local Operations Center with
// six registered servers, synthesizes examples/one-off-and-template, and runs the real terraform
// (init, apply, a second plan that must be empty, destroy) in the synthesized stack directory.
import { mkdirSync, rmSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { startLocalOperationsCenter } from "../src/local-oc/index.js";
import { terraform } from "../src/review/terraform.js";
import { buildApp } from "./one-off-and-template/main.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

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
    const env = { ...process.env, OPERATIONS_CENTER_CONF: configDir, CHECKPOINT_DISABLE: "1" };

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
    const state = oc.snapshot();
    for (const cluster of state.clusters) {
      process.stdout.write(`cluster ${cluster.name}: ${cluster.status}, members ${cluster.members.join(", ")}\n`);
    }
    process.stdout.write(`cluster templates: ${state.templates.map((t) => t.name).join(", ")}\n`);

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
