// Child processes of the benchmark: every one has a time limit, and the watchdog can end those
// still running, so a hung terraform or provider never outlives the bench.
import { spawn, type ChildProcess } from "node:child_process";

const running = new Set<ChildProcess>();

/** Sends SIGKILL to every child this module started that has not exited yet. */
export function killRunning(): void {
  for (const child of running) child.kill("SIGKILL");
}

function track(child: ChildProcess): void {
  running.add(child);
  child.once("exit", () => running.delete(child));
}

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

export interface RunOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
}

/** Runs a command to its end, collecting stdout and stderr together. */
export function run(command: string, args: readonly string[], options: RunOptions): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"], timeout: options.timeoutMs, killSignal: "SIGKILL" });
    track(child);
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.once("error", (error) => reject(new Error(`cannot run ${command}: ${error.message}`)));
    child.once("close", (code, signal) => resolve({ code, signal, output }));
  });
}

/** Throws with the command's output unless it exited 0. */
export async function runOk(command: string, args: readonly string[], options: RunOptions): Promise<string> {
  const done = await run(command, args, options);
  if (done.code !== 0) {
    const how = done.signal === null ? `exit code ${String(done.code)}` : `signal ${done.signal} (time limit ${options.timeoutMs} ms?)`;
    throw new Error(`${command} ${args.join(" ")} failed with ${how}:\n${done.output}`);
  }
  return done.output;
}

/**
 * Starts a process, resolves with the milliseconds from spawn to its first complete stdout line
 * and that line, then ends it with SIGTERM and waits for it to exit.
 */
export function timeToFirstLine(command: string, args: readonly string[], options: RunOptions): Promise<{ ms: number; line: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"], timeout: options.timeoutMs, killSignal: "SIGKILL" });
    track(child);
    let stdout = "";
    let stderr = "";
    let first: { ms: number; line: string } | undefined;
    child.stdout.on("data", (chunk: Buffer) => {
      if (first !== undefined) return;
      stdout += chunk.toString("utf8");
      const end = stdout.indexOf("\n");
      if (end < 0) return;
      first = { ms: performance.now() - started, line: stdout.slice(0, end) };
      child.kill("SIGTERM");
    });
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.once("error", (error) => reject(new Error(`cannot run ${command}: ${error.message}`)));
    child.once("close", (code, signal) => {
      if (first !== undefined) resolve(first);
      else reject(new Error(`${command} ${args.join(" ")} ended (code ${String(code)}, signal ${String(signal)}) before writing a line:\n${stderr}`));
    });
  });
}

/** Milliseconds from spawn to exit of a command that must exit 0. */
export async function timeToExit(command: string, args: readonly string[], options: RunOptions): Promise<number> {
  const started = performance.now();
  await runOk(command, args, options);
  return performance.now() - started;
}
