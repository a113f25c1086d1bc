// Helpers for the tests that use the package as a user does: `npm pack` of this checkout, then
// fresh apps in temporary directories that install the tarball from the npm registry's clients.
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { type NodeMajor, ROOT } from "./node-binaries.js";

export { nodeBinary, ROOT } from "./node-binaries.js";

/**
 * The Node.js versions the package is tested on, as the lines of test/node-binaries (see
 * node-binaries.ts): the oldest that package.json's engines allows (20.18.1), and 22 and 24. The
 * suite itself runs on the machine's Node 20.
 */
export const NODES = { "20.18.1": "20", "22": "22", "24": "24" } as const satisfies Record<string, NodeMajor>;
export type NodeVersion = keyof typeof NODES;
/** Too old: the package must say which Node it needs. */
export const NODE_18 = "18" satisfies NodeMajor;

/**
 * The environment of a user's shell: without npm's own npm_* variables (a test run by `npm test`
 * would otherwise hand this project's .npmrc settings, such as bin-links=false, to the apps' npm),
 * with `node` first on PATH when a binary is given.
 */
export function userEnv(extra: NodeJS.ProcessEnv = {}, node?: string): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key) && !key.startsWith("OPERATIONS_CENTER_") && !key.startsWith("TF_")),
  );
  const pathEntries = [...(node === undefined ? [] : [path.dirname(node)]), path.dirname(process.execPath), env["PATH"] ?? ""];
  return { ...env, PATH: pathEntries.join(path.delimiter), CHECKPOINT_DISABLE: "1", CI: "1", ...extra };
}

export interface RunResult {
  readonly code: number;
  readonly output: string;
}

/** Runs a command to its end (bounded by `timeoutMs`), stdout and stderr together. */
export function run(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"], timeout: options.timeoutMs ?? 300_000 });
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr.on("data", (c: Buffer) => (output += c.toString()));
    child.on("error", reject);
    child.on("close", (code, signal) =>
      resolve({ code: code ?? (signal === null ? 1 : 128), output: signal === null ? output : `${output}\n(ended by ${signal})` }),
    );
  });
}

export async function runOk(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<string> {
  const result = await run(command, args, options);
  if (result.code !== 0) throw new Error(`${command} ${args.join(" ")} exited ${result.code} in ${options.cwd}:\n${result.output}`);
  return result.output;
}

/** A scratch directory removed when the test ends. */
export function scratch(t: { after(fn: () => void): void }, prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `oc-cdktf-${prefix}-`));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * `npm pack` of this checkout's build into `dir` (no prepack: the test runs after `npm run build`,
 * and a rebuild would change dist/ under the other tests). Returns the tarball's path.
 */
export async function packTarball(dir: string): Promise<string> {
  await runOk("npm", ["pack", "--ignore-scripts", "--pack-destination", dir], { cwd: ROOT, env: userEnv() });
  const tarball = readdirSync(dir).find((f) => f.endsWith(".tgz"));
  if (tarball === undefined) throw new Error(`npm pack wrote no tarball into ${dir}`);
  return path.join(dir, tarball);
}

/**
 * The npm settings of the apps' installs, as a user may set them: the user's cache before the
 * registry, no audit, no funding message. As environment variables, so that they also apply to the
 * installs another tool runs (cdktf init's).
 */
export const NPM_INSTALL_SETTINGS = { npm_config_prefer_offline: "true", npm_config_audit: "false", npm_config_fund: "false" } as const;

/** `npm install` in an app, as a user runs it (the registry, the user's cache, no audit). */
export function npmInstall(cwd: string, args: string[]): Promise<string> {
  return runOk("npm", ["install", ...args], { cwd, env: userEnv(NPM_INSTALL_SETTINGS), timeoutMs: 600_000 });
}

export interface PackedContents {
  /** The tarball's size in bytes (gzipped), as npm reports it. */
  readonly size: number;
  readonly unpackedSize: number;
  readonly files: ReadonlyArray<{ readonly path: string; readonly size: number; readonly mode: number }>;
}

/** What `npm pack` would put in the tarball, without writing it (and without prepack). */
export async function packedContents(): Promise<PackedContents> {
  const output = await runOk("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: ROOT, env: userEnv() });
  const [report] = JSON.parse(output.slice(output.indexOf("["))) as PackedContents[];
  if (report === undefined) throw new Error(`npm pack --dry-run --json reported nothing:\n${output}`);
  return report;
}
