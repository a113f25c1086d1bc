// Which Terraform command started this provider, read from the parent process's command line:
// Terraform's plugin protocol does not say whether a plan is the refresh plan of a destroy (that
// refresh plan is a normal-mode plan), so a provider that must refuse something only in a
// destroy learns it here. Parsed as Terraform 1.11 parses it (hashicorp/terraform v1.11.4:
// main.go extractChdirOption and mergeEnvArgs, github.com/mitchellh/cli processArgs,
// internal/command/arguments/{view,extended,plan,apply}.go, Go's flag package).
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

/** The plan mode of a command that plans (Terraform's plans.Mode). */
export type PlanMode = "normal" | "destroy" | "refresh-only";

export type TerraformCommand =
  | {
      readonly known: true;
      /** The subcommand's first word: "plan", "apply", "destroy", "import", "state", … */
      readonly name: string;
      /**
       * Set for a command that makes a plan: `plan`, `apply` without a saved plan, `destroy`. A
       * destroy plan (`destroy`, `apply -destroy`, `plan -destroy`) first runs a normal-mode
       * refresh plan when the state is not empty. Unset for `apply PLANFILE` (the saved plan's
       * mode holds, and no refresh plan runs), for help and for commands that do not plan.
       */
      readonly planMode?: PlanMode;
    }
  | {
      readonly known: false;
      /** Why not, for the debug log. */
      readonly reason: string;
    };

type Environment = Readonly<Record<string, string | undefined>>;

const unknown = (reason: string): TerraformCommand => ({ known: false, reason });

/** Thrown inside the parser where Terraform would refuse the command line. */
class Refused extends Error {}

/**
 * main.go extractChdirOption: among the options before the first non-option, the last
 * `-chdir=DIR` is removed (a bare `-chdir` or `-chdir=` is an error).
 */
function withoutChdir(args: readonly string[]): string[] {
  let at = -1;
  for (const [i, arg] of args.entries()) {
    if (!arg.startsWith("-")) break;
    if (arg === "-chdir" || arg === "-chdir=") throw new Refused("-chdir without a directory");
    if (arg.startsWith("-chdir=")) at = i;
  }
  return at < 0 ? [...args] : [...args.slice(0, at), ...args.slice(at + 1)];
}

/** mitchellh/cli processArgs: the first argument that is not an option, before any "--". */
function subcommandIndex(args: readonly string[]): number {
  for (const [i, arg] of args.entries()) {
    if (arg === "--") return -1;
    if (arg !== "" && !arg.startsWith("-")) return i;
  }
  return -1;
}

/**
 * Splits TF_CLI_ARGS as github.com/mattn/go-shellwords does with environment and backtick
 * expansion off: blanks separate, single quotes keep everything, a backslash escapes the next
 * character outside single quotes. A shell operator or `$`, `` ` ``, `(`, `)` outside quotes is
 * refused here (go-shellwords stops or fails there), so an odd value reads as unknown.
 */
export function splitShellWords(text: string): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word += c;
      continue;
    }
    if (c === "\\") {
      if (i + 1 >= text.length) throw new Refused("a trailing backslash");
      word += text[++i];
      inWord = true;
      continue;
    }
    if (quote === '"') {
      if (c === '"') quote = undefined;
      else word += c;
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === " " || c === "\t" || c === "\n" || c === "\r") {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else if (";&|<>()$`".includes(c)) {
      throw new Refused(`"${c}" outside quotes`);
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote !== undefined) throw new Refused("an unclosed quote");
  if (inWord) words.push(word);
  return words;
}

/** main.go mergeEnvArgs: the variable's words go right after the first argument equal to the subcommand's last word. */
function mergeEnvArgs(args: readonly string[], name: string | undefined, value: string | undefined): string[] {
  if (value === undefined || value === "") return [...args];
  const extra = splitShellWords(value);
  const at = name === undefined ? 0 : args.indexOf(name) + 1;
  return [...args.slice(0, at), ...extra, ...args.slice(at)];
}

/** strconv.ParseBool, as Go's flag package sets a bool flag given `-name=value`. */
function goBool(value: string, flag: string): boolean {
  if (["1", "t", "T", "TRUE", "true", "True"].includes(value)) return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(value)) return false;
  throw new Refused(`invalid boolean value for -${flag}`);
}

interface FlagSet {
  readonly booleans: readonly string[];
  readonly values: readonly string[];
}

// internal/command/arguments/extended.go extendedFlagSet (state, operation and vars flags).
const EXTENDED: FlagSet = {
  booleans: ["lock", "allow-deferral", "refresh", "destroy", "refresh-only"],
  values: ["lock-timeout", "state", "state-out", "backup", "parallelism", "target", "replace", "var", "var-file"],
};
const FLAG_SETS: { readonly [command: string]: FlagSet } = {
  // arguments/apply.go ParseApply (destroy is ParseApplyDestroy, the same flags).
  apply: { booleans: [...EXTENDED.booleans, "auto-approve", "input", "json"], values: EXTENDED.values },
  destroy: { booleans: [...EXTENDED.booleans, "auto-approve", "input", "json"], values: EXTENDED.values },
  // arguments/plan.go ParsePlan.
  plan: { booleans: [...EXTENDED.booleans, "detailed-exitcode", "input", "json"], values: [...EXTENDED.values, "out", "generate-config-out"] },
};

/** Go's flag.FlagSet.Parse: the last value of each bool flag given, and the arguments after the flags. */
function parseFlags(args: readonly string[], flags: FlagSet): { booleans: Map<string, boolean>; positional: string[] } {
  const booleans = new Map<string, boolean>();
  let i = 0;
  while (i < args.length) {
    const arg = args[i]!;
    if (arg.length < 2 || !arg.startsWith("-")) break;
    if (arg === "--") {
      i++;
      break;
    }
    const body = arg.slice(arg.startsWith("--") ? 2 : 1);
    if (body === "" || body.startsWith("-") || body.startsWith("=")) throw new Refused(`bad flag syntax ${arg}`);
    i++;
    const equals = body.indexOf("=");
    const name = equals < 0 ? body : body.slice(0, equals);
    const value = equals < 0 ? undefined : body.slice(equals + 1);
    if (flags.booleans.includes(name)) booleans.set(name, value === undefined ? true : goBool(value, name));
    else if (flags.values.includes(name)) {
      if (value === undefined) {
        if (i >= args.length) throw new Refused(`-${name} needs an argument`);
        i++;
      }
    } else throw new Refused(`-${name} is not an option of this command`);
  }
  return { booleans, positional: args.slice(i) };
}

/** arguments/extended.go Operation.Parse. */
function planModeOf(booleans: ReadonlyMap<string, boolean>): PlanMode {
  const destroy = booleans.get("destroy") === true;
  const refreshOnly = booleans.get("refresh-only") === true;
  if (destroy && refreshOnly) throw new Refused("-destroy and -refresh-only together");
  return destroy ? "destroy" : refreshOnly ? "refresh-only" : "normal";
}

function parse(argv: readonly string[], env: Environment): TerraformCommand {
  let args = withoutChdir(argv.slice(1));
  const first = subcommandIndex(args);
  const word = first < 0 ? undefined : args[first];
  args = mergeEnvArgs(args, word, env["TF_CLI_ARGS"]);
  if (word !== undefined) args = mergeEnvArgs(args, word, env[`TF_CLI_ARGS_${word.replaceAll("-", "_")}`]);
  if (args.some((arg) => arg === "-v" || arg === "-version" || arg === "--version")) return { known: true, name: "version" };
  const at = subcommandIndex(args);
  if (at < 0) return unknown("no subcommand");
  const name = args[at]!;
  const beforeEnd = args.includes("--") ? args.slice(0, args.indexOf("--")) : args;
  if (beforeEnd.some((arg) => arg === "-h" || arg === "-help" || arg === "--help")) return { known: true, name };
  if (args.slice(0, at).some((arg) => arg.startsWith("-"))) throw new Refused("options before the subcommand");
  const flags = FLAG_SETS[name];
  if (flags === undefined) return { known: true, name };
  // arguments/view.go ParseView takes these out wherever they stand.
  const rest = args.slice(at + 1).filter((arg) => arg !== "-no-color" && arg !== "-compact-warnings");
  const { booleans, positional } = parseFlags(rest, flags);
  const planMode = planModeOf(booleans);
  if (name === "destroy") {
    if (planMode !== "normal") throw new Refused("a mode option with destroy");
    if (positional.length > 0) throw new Refused("destroy with a plan file");
    return { known: true, name, planMode: "destroy" };
  }
  if (name === "plan" && positional.length > 0) throw new Refused("plan takes no arguments");
  if (positional.length > 1) throw new Refused("apply takes one plan file");
  return positional.length === 1 ? { known: true, name } : { known: true, name, planMode };
}

/**
 * The command a Terraform command line runs: `argv` is the whole command line, program first;
 * `env` is Terraform's environment (TF_CLI_ARGS and TF_CLI_ARGS_<subcommand> add arguments).
 * Unknown where Terraform would refuse the command line, so such a line never runs a provider.
 */
export function parseTerraformCommand(argv: readonly string[], env: Environment): TerraformCommand {
  try {
    return parse(argv, env);
  } catch (error) {
    if (error instanceof Refused) return unknown(`Terraform would refuse its command line: ${error.message}`);
    throw error;
  }
}

/**
 * A process's command line: exact on Linux (/proc/PID/cmdline); elsewhere on POSIX, `ps`, whose
 * output joins the arguments with spaces, so an argument holding a space reads as several.
 * Undefined where neither works (Windows, the process gone).
 */
export function commandLineOf(pid: number, platform: NodeJS.Platform = process.platform): string[] | undefined {
  try {
    if (platform === "linux") {
      const raw = readFileSync(`/proc/${pid}/cmdline`, "utf8");
      const args = raw.split("\0");
      if (args.at(-1) === "") args.pop();
      return args.length === 0 ? undefined : args;
    }
    if (platform === "win32") return undefined;
    const line = execFileSync("ps", ["-ww", "-o", "args=", "-p", String(pid)], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    return line === "" ? undefined : line.split(/\s+/);
  } catch {
    return undefined;
  }
}

/**
 * The Terraform command running as process `pid` (the provider's parent). The environment is the
 * provider's own: go-plugin starts a provider with Terraform's environment plus its own
 * variables (hashicorp/go-plugin client.go Start), so TF_CLI_ARGS reads the same.
 */
export function terraformCommandOf(pid: number, env: Environment = process.env, platform: NodeJS.Platform = process.platform): TerraformCommand {
  const argv = commandLineOf(pid, platform);
  if (argv === undefined) return unknown(`the command line of process ${pid} cannot be read on ${platform}`);
  return parseTerraformCommand(argv, env);
}
