// What every `oc-cdktf` subcommand, and the `oc-cdktf` dispatcher itself, share: options parsed
// with node:util parseArgs, `--help` / `-h` printing the usage, and usage errors written as
// `oc-cdktf NAME: message` followed by the usage, with the command's exit code for them.
import { parseArgs, type ParseArgsConfig } from "node:util";

/**
 * A subcommand's name (as in `oc-cdktf NAME`; "" for the dispatcher), its usage text, and its exit
 * code for a usage error.
 */
export interface Command {
  readonly name: string;
  readonly usage: string;
  readonly usageExit: number;
}

/** `oc-cdktf NAME`, or `oc-cdktf` for the dispatcher: what starts each of its messages. */
const label = (command: Command): string => (command.name === "" ? "oc-cdktf" : `oc-cdktf ${command.name}`);

const HELP = { help: { type: "boolean", short: "h" } } as const;

type WithHelp<T extends ParseArgsConfig> = Omit<T, "options" | "args"> & { args: string[]; options: NonNullable<T["options"]> & typeof HELP };

/** Prints the usage for `--help`; the exit code of a successful run. */
export function showHelp(command: Command): number {
  process.stdout.write(command.usage);
  return 0;
}

/** Writes `oc-cdktf NAME: message`, then the usage, to stderr; returns the usage exit code. */
export function usageError(command: Command, message: string): number {
  process.stderr.write(`${label(command)}: ${message}\n\n${command.usage}`);
  return command.usageExit;
}

/** Writes `oc-cdktf NAME: message` to stderr (no usage); returns `exitCode`. */
export function failure(command: Command, message: string, exitCode: number): number {
  process.stderr.write(`${label(command)}: ${message}\n`);
  return exitCode;
}

/**
 * Parses `argv` against the subcommand's options, with `--help` / `-h` added. Returns the parsed
 * values and positionals, or the exit code when there is nothing more to do: 0 after printing the
 * usage for --help, the usage exit code after an option parseArgs refuses.
 */
export function parseCommand<const T extends ParseArgsConfig>(command: Command, argv: string[], config: T): ReturnType<typeof parseArgs<WithHelp<T>>> | number {
  let parsed: ReturnType<typeof parseArgs<WithHelp<T>>>;
  try {
    const withHelp: WithHelp<T> = { ...config, args: argv, options: { ...config.options, ...HELP } };
    parsed = parseArgs(withHelp);
  } catch (error) {
    return usageError(command, error instanceof Error ? error.message : String(error));
  }
  return "help" in parsed.values && parsed.values.help === true ? showHelp(command) : parsed;
}
