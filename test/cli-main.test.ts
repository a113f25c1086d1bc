// The `oc-cdktf` dispatcher as a user runs it (the built CLI in a child process, no server): its
// usage listing every subcommand, `help COMMAND`, --version, and the usage errors on stderr with
// exit code 2, in the form every subcommand uses (`oc-cdktf: message`, then the usage).

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, it } from "node:test";
import { PROVIDER_SOURCE, PROVIDER_VERSION } from "../src/provider/identity.js";
import { packageRoot } from "./fixtures/config/fixtures.js";

/** Runs the built CLI from the package root, as a user would: `oc-cdktf ...`. */
function ocCdktf(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ["dist/src/cli/main.js", ...args], { cwd: packageRoot, encoding: "utf8" });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const SUBCOMMANDS = ["provider", "local-oc", "validate", "plan-summary", "drift", "leftovers"];

describe("oc-cdktf", () => {
  const usage = ocCdktf("--help").stdout;

  it("--help, -h and help print the usage on stdout and exit 0", () => {
    assert.match(usage, /^usage: oc-cdktf \[--version\] <command> \[arguments\]\n/);
    for (const help of ["--help", "-h", "help"]) assert.deepEqual(ocCdktf(help), { status: 0, stdout: usage, stderr: "" }, help);
  });

  it("the usage lists every subcommand, one line each, and each of them has its own --help", () => {
    const section = /\ncommands:\n((?: {2}.*\n)+)/.exec(usage);
    assert.ok(section, usage);
    const lines = section[1]!.trimEnd().split("\n");
    assert.deepEqual(
      lines.map((line) => line.trim().split(" ")[0]),
      [...SUBCOMMANDS, "help"],
    );
    for (const line of lines) assert.match(line, /^ {2}\S.* {2,}\S.{10,}$/, "name, arguments, then what it does");
    for (const name of SUBCOMMANDS) {
      const help = ocCdktf(name, "--help");
      assert.equal(help.status, 0, `oc-cdktf ${name} --help: ${help.stderr}`);
      assert.match(help.stdout, new RegExp(`^usage: oc-cdktf ${name}\\b`));
      assert.deepEqual(ocCdktf("help", name), help, `oc-cdktf help ${name}`);
    }
  });

  it("--version and -v print the versions of oc-cdktf and its provider", () => {
    const version = `oc-cdktf ${PROVIDER_VERSION} (provider ${PROVIDER_SOURCE} ${PROVIDER_VERSION})\n`;
    for (const flag of ["--version", "-v"]) assert.deepEqual(ocCdktf(flag), { status: 0, stdout: version, stderr: "" }, flag);
  });

  it("no command, an unknown command or option, and help with an unknown command are usage errors: stderr, exit 2", () => {
    assert.deepEqual(ocCdktf(), { status: 2, stdout: "", stderr: `oc-cdktf: a command is needed\n\n${usage}` });
    assert.deepEqual(ocCdktf("deploy", "--help"), { status: 2, stdout: "", stderr: `oc-cdktf: unknown command "deploy"\n\n${usage}` });
    assert.deepEqual(ocCdktf("toString"), { status: 2, stdout: "", stderr: `oc-cdktf: unknown command "toString"\n\n${usage}` });
    assert.deepEqual(ocCdktf("help", "deploy"), {
      status: 2,
      stdout: "",
      stderr: `oc-cdktf: help takes one command, one of: ${SUBCOMMANDS.join(", ")}\n\n${usage}`,
    });
    const option = ocCdktf("--verbose", "validate");
    assert.equal(option.status, 2);
    assert.equal(option.stdout, "");
    assert.match(option.stderr, /^oc-cdktf: Unknown option '--verbose'/);
    assert.ok(option.stderr.endsWith(`\n\n${usage}`));
  });
});
