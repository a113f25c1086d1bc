#!/usr/bin/env node
// The `oc-cdktf` command. Sub-commands are imported lazily, so each loads only what it uses.
import { unsupportedNode } from "../provider/node-version.js";
import { PROVIDER_SOURCE, PROVIDER_VERSION } from "../provider/identity.js";

const USAGE = `usage: oc-cdktf <command> [options]

commands:
  provider install     copy the Terraform provider under ~/.terraform.d/plugins (plain HCL)
  provider mirror DIR  write the provider packed for a filesystem or network mirror
  provider serve       run the Terraform provider (Terraform starts it)
  local-oc [options]   serve a local Operations Center over TLS on this machine
  validate [options]   check services, application and cluster template files
  plan-summary [PLAN]  a plan (terraform show -json) in domain words, for pull-request review
  drift [STACK_DIR]    what changed outside Terraform, and clusters no stack manages
  help                 show this text

options:
  --version            print the version of oc-cdktf and of the provider it carries
Every command takes --help.
`;

type SubCommand = (argv: string[]) => Promise<number>;

const commands: Record<string, () => Promise<SubCommand>> = {
  provider: async () => (await import("./provider.js")).run,
  "local-oc": async () => (await import("./local-oc.js")).run,
  validate: async () => (await import("./validate.js")).run,
  "plan-summary": async () => (await import("./plan-summary.js")).run,
  drift: async () => (await import("./drift.js")).run,
  leftovers: async () => (await import("./leftovers.js")).run,
};

async function main(argv: string[]): Promise<number> {
  const tooOld = unsupportedNode("oc-cdktf");
  if (tooOld !== undefined) {
    process.stderr.write(tooOld);
    return 1;
  }
  const [name, ...rest] = argv;
  if (name === "--version" || name === "-v") {
    process.stdout.write(`oc-cdktf ${PROVIDER_VERSION} (provider ${PROVIDER_SOURCE} ${PROVIDER_VERSION})\n`);
    return 0;
  }
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    process.stdout.write(USAGE);
    return name === undefined ? 2 : 0;
  }
  const load = commands[name];
  if (load === undefined) {
    process.stderr.write(`oc-cdktf: unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  return (await load())(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`oc-cdktf: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
