#!/usr/bin/env node
// The `oc-cdktf` command: its own options, then one subcommand and the subcommand's arguments.
// Subcommands are imported lazily, so each loads only what it uses. Options, --help and usage
// errors go through ./command.ts, as in every subcommand.
import { unsupportedNode } from "../provider/node-version.js";
import { PROVIDER_SOURCE, PROVIDER_VERSION } from "../provider/identity.js";
import { type Command, failure, parseCommand, showHelp, usageError } from "./command.js";

type Run = (argv: string[]) => Promise<number>;

interface SubCommand {
  readonly name: string;
  /** What follows the name in the usage listing. */
  readonly args: string;
  /** One line: what the subcommand does. */
  readonly summary: string;
  readonly load: () => Promise<Run>;
}

const subCommands: readonly SubCommand[] = [
  {
    name: "provider",
    args: "install|mirror|serve",
    summary: "the Terraform provider: install it for HCL, mirror it, run it",
    load: async () => (await import("./provider.js")).run,
  },
  {
    name: "local-oc",
    args: "[options]",
    summary: "serve a local Operations Center over TLS on this machine",
    load: async () => (await import("./local-oc.js")).run,
  },
  {
    name: "validate",
    args: "[options]",
    summary: "check services, application, template and bulk files",
    load: async () => (await import("./validate.js")).run,
  },
  {
    name: "plan-summary",
    args: "[PLAN]",
    summary: "a plan (terraform show -json) in domain words, for review",
    load: async () => (await import("./plan-summary.js")).run,
  },
  {
    name: "drift",
    args: "[STACK_DIR]",
    summary: "what changed outside Terraform; clusters no stack manages",
    load: async () => (await import("./drift.js")).run,
  },
  {
    name: "leftovers",
    args: "[STACK_DIR]",
    summary: "clusters an interrupted apply left outside the state",
    load: async () => (await import("./leftovers.js")).run,
  },
];

const listing = [...subCommands, { name: "help", args: "[COMMAND]", summary: "show this text, or COMMAND's (as COMMAND --help does)" }].map(
  ({ name, args, summary }) => `  ${`${name} ${args}`.padEnd(30)} ${summary}\n`,
);

const USAGE = `usage: oc-cdktf [--version] <command> [arguments]

commands:
${listing.join("")}
options:
  -v, --version                  print the versions of oc-cdktf and of the provider it carries
  -h, --help                     show this text
Every command takes --help.
`;

const command: Command = { name: "", usage: USAGE, usageExit: 2 };

function subCommand(name: string): SubCommand | undefined {
  return subCommands.find((sub) => sub.name === name);
}

async function main(argv: string[]): Promise<number> {
  const tooOld = unsupportedNode("oc-cdktf");
  if (tooOld !== undefined) {
    process.stderr.write(tooOld);
    return 1;
  }
  // oc-cdktf's own options come before the subcommand; everything after it is the subcommand's.
  const at = argv.findIndex((arg) => !arg.startsWith("-"));
  const own = at === -1 ? argv : argv.slice(0, at);
  const parsed = parseCommand(command, own, { options: { version: { type: "boolean", short: "v" } } });
  if (typeof parsed === "number") return parsed;
  if (parsed.values.version === true) {
    process.stdout.write(`oc-cdktf ${PROVIDER_VERSION} (provider ${PROVIDER_SOURCE} ${PROVIDER_VERSION})\n`);
    return 0;
  }
  if (at === -1) return usageError(command, "a command is needed");
  const [name, ...rest] = argv.slice(at) as [string, ...string[]];
  if (name === "help") {
    if (rest.length === 0) return showHelp(command);
    const about = rest.length === 1 ? subCommand(rest[0]!) : undefined;
    return about === undefined
      ? usageError(command, `help takes one command, one of: ${subCommands.map((sub) => sub.name).join(", ")}`)
      : (await about.load())(["--help"]);
  }
  const sub = subCommand(name);
  if (sub === undefined) return usageError(command, `unknown command "${name}"`);
  return (await sub.load())(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.exitCode = failure(command, err instanceof Error ? err.message : String(err), 1);
  },
);
