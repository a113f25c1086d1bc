// The provider tells which Terraform command started it from its parent's command line, parsed
// as Terraform 1.11 parses it: global options before the subcommand, TF_CLI_ARGS, Go's flags.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { commandLineOf, parseTerraformCommand, splitShellWords, terraformCommandOf, type TerraformCommand } from "../src/provider/plugin/terraform-command.js";

const parse = (line: string[], env: Record<string, string> = {}): TerraformCommand => parseTerraformCommand(["/usr/bin/terraform", ...line], env);
const mode = (line: string[], env: Record<string, string> = {}): string | undefined => {
  const command = parse(line, env);
  return command.known ? (command.planMode ?? `${command.name} (no plan)`) : "unknown";
};

test("destroy, apply -destroy and plan -destroy (also -destroy=true, --destroy) plan a destroy", () => {
  assert.deepEqual(parse(["destroy", "-auto-approve", "-input=false", "-no-color"]), { known: true, name: "destroy", planMode: "destroy" });
  assert.equal(mode(["apply", "-destroy"]), "destroy");
  assert.equal(mode(["apply", "-auto-approve", "-destroy=true"]), "destroy");
  assert.equal(mode(["plan", "--destroy", "-out=plan.bin"]), "destroy");
  assert.equal(mode(["plan", "-destroy=1", "-out", "plan.bin"]), "destroy");
  assert.equal(mode(["plan", "-destroy=T"]), "destroy");
});

test("plan, apply and -destroy=false plan in normal mode; -refresh-only is its own mode", () => {
  assert.equal(mode(["plan", "-input=false", "-out=plan.bin"]), "normal");
  assert.equal(mode(["apply", "-auto-approve"]), "normal");
  assert.equal(mode(["apply", "-destroy", "-destroy=false"]), "normal", "the last one wins");
  assert.equal(mode(["plan", "-destroy=False"]), "normal");
  assert.equal(mode(["plan", "-refresh-only"]), "refresh-only");
});

test("apply of a saved plan makes no plan of its own, whatever mode option it carries", () => {
  assert.equal(mode(["apply", "plan.bin"]), "apply (no plan)");
  assert.equal(mode(["apply", "-input=false", "-no-color", "plan.bin"]), "apply (no plan)");
  assert.equal(mode(["apply", "-destroy", "plan.bin"]), "apply (no plan)");
  // A value option takes the next argument: plan.bin here is the -target, not a saved plan.
  assert.equal(mode(["apply", "-target", "plan.bin"]), "normal");
  assert.equal(mode(["apply", "-var", "x=-destroy", "-lock-timeout=5s"]), "normal", "a -var value is no option");
  // Go's flags end at "--" or the first argument that is not one: what follows is positional.
  assert.equal(mode(["apply", "--", "-destroy"]), "apply (no plan)");
  assert.equal(mode(["apply", "plan.bin", "-no-color"]), "apply (no plan)", "-no-color is taken out wherever it stands");
});

test("global options before the subcommand: -chdir=DIR is taken out; -help and -version run no command", () => {
  assert.equal(mode(["-chdir=stacks/clusters", "destroy", "-auto-approve"]), "destroy");
  assert.equal(mode(["-chdir=a", "-chdir=b", "destroy"]), "unknown", "Terraform takes out only the last -chdir and refuses the other");
  assert.equal(mode(["-chdir", "dir", "destroy"]), "unknown", "-chdir needs an equals sign");
  assert.deepEqual(parse(["-version"]), { known: true, name: "version" });
  assert.deepEqual(parse(["destroy", "-v"]), { known: true, name: "version" });
  assert.deepEqual(parse(["-help", "destroy"]), { known: true, name: "destroy" }, "help of destroy: it does not run");
  assert.deepEqual(parse(["destroy", "-h"]), { known: true, name: "destroy" });
  assert.equal(mode(["-no-color", "destroy"]), "unknown", "Terraform refuses options of the subcommand before it");
  assert.equal(mode([]), "unknown");
});

test("TF_CLI_ARGS and TF_CLI_ARGS_<subcommand> add arguments after the subcommand", () => {
  assert.equal(mode(["plan", "-out=plan.bin"], { TF_CLI_ARGS_plan: "-destroy" }), "destroy");
  assert.equal(mode(["apply"], { TF_CLI_ARGS: "-destroy -auto-approve" }), "destroy");
  assert.equal(mode(["apply"], { TF_CLI_ARGS_plan: "-destroy" }), "normal", "another subcommand's variable does not apply");
  assert.equal(
    mode(["plan"], { TF_CLI_ARGS: "-destroy=false", TF_CLI_ARGS_plan: "-destroy" }),
    "normal",
    "the subcommand's own go in first, so the general one comes last and wins",
  );
  assert.equal(mode(["apply"], { TF_CLI_ARGS: "-var 'x=a b' -destroy" }), "destroy");
  assert.equal(mode(["apply"], { TF_CLI_ARGS: "-var x=$HOME" }), "unknown", "expansion is not modelled");
});

test("command lines Terraform refuses run no provider: they read as unknown", () => {
  assert.equal(mode(["destroy", "-destroy"]), "unknown");
  assert.equal(mode(["destroy", "plan.bin"]), "unknown");
  assert.equal(mode(["plan", "-destroy", "-refresh-only"]), "unknown");
  assert.equal(mode(["plan", "-destroy=maybe"]), "unknown");
  assert.equal(mode(["plan", "-no-such-option"]), "unknown");
  assert.equal(mode(["plan", "extra"]), "unknown");
  assert.equal(mode(["apply", "a.bin", "b.bin"]), "unknown");
  assert.equal(mode(["apply", "-target"]), "unknown");
  assert.equal(mode(["apply", "---destroy"]), "unknown");
});

test("other commands are named, with no plan mode", () => {
  assert.deepEqual(parse(["import", "operationscenter_cluster.a", "cluster-a"]), { known: true, name: "import" });
  assert.deepEqual(parse(["state", "list"]), { known: true, name: "state" });
  assert.deepEqual(parse(["-chdir=x", "refresh"]), { known: true, name: "refresh" });
});

test("TF_CLI_ARGS is split as go-shellwords splits it", () => {
  assert.deepEqual(splitShellWords(`  -var "a=b c" -var='d e' f\\ g ""  `), ["-var", "a=b c", "-var=d e", "f g", ""]);
  assert.throws(() => splitShellWords(`-var "open`));
  assert.throws(() => splitShellWords("a | b"));
});

test("a process's command line: exact from /proc on Linux, split at blanks from ps elsewhere, unknown on Windows", {
  skip: process.platform !== "linux",
}, async () => {
  // The child runs until its stdin closes; spawn returns once it has exec'd.
  const script = "process.stdin.resume()";
  const child = spawn(process.execPath, ["-e", script, "--", "-chdir=a b", "destroy"], { stdio: ["pipe", "ignore", "ignore"] });
  const exited = once(child, "exit");
  try {
    const pid = child.pid!;
    assert.deepEqual(commandLineOf(pid), [process.execPath, "-e", script, "--", "-chdir=a b", "destroy"]);
    assert.deepEqual(commandLineOf(pid, "darwin"), [process.execPath, "-e", script, "--", "-chdir=a", "b", "destroy"]);
    assert.equal(commandLineOf(pid, "win32"), undefined);
    assert.deepEqual(terraformCommandOf(pid, {}, "win32"), { known: false, reason: `the command line of process ${pid} cannot be read on win32` });
  } finally {
    child.stdin.end();
    await exited;
  }
});
