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
  /** Called with the child's pid once it is spawned (e.g. to watch its memory). */
  onSpawn?: (pid: number) => void;
}

/** Runs a command to its end, collecting stdout and stderr together. */
export function run(command: string, args: readonly string[], options: RunOptions): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ["ignore", "pipe", "pipe"],
      timeout: options.timeoutMs,
      killSignal: "SIGKILL",
    });
    track(child);
    if (child.pid !== undefined) options.onSpawn?.(child.pid);
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

/** A process started by startProcess. */
export interface Started {
  child: ChildProcess;
  /** The first complete stdout line; rejects with stderr if the process ends before writing one. */
  firstLine: Promise<string>;
  /** Settles once the process has exited and closed its output. */
  closed: Promise<void>;
}

/** Starts a long-running process (stdin ignored) with a time limit, tracked for the watchdog. */
export function startProcess(command: string, args: readonly string[], options: RunOptions): Started {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ["ignore", "pipe", "pipe"],
    timeout: options.timeoutMs,
    killSignal: "SIGKILL",
  });
  track(child);
  let stdout = "";
  let stderr = "";
  let line: string | undefined;
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  const firstLine = new Promise<string>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      if (line !== undefined) return;
      stdout += chunk.toString("utf8");
      const end = stdout.indexOf("\n");
      if (end < 0) return;
      line = stdout.slice(0, end);
      resolve(line);
    });
    child.once("error", (error) => reject(new Error(`cannot run ${command}: ${error.message}`)));
    child.once("close", (code, signal) => {
      if (line === undefined)
        reject(new Error(`${command} ${args.join(" ")} ended (code ${String(code)}, signal ${String(signal)}) before writing a line:\n${stderr}`));
    });
  });
  const closed = new Promise<void>((resolve) => child.once("close", () => resolve()));
  return { child, firstLine, closed };
}

/**
 * Starts a process, resolves with the milliseconds from spawn to its first complete stdout line
 * and that line, then ends it with SIGTERM and waits for it to exit.
 */
export async function timeToFirstLine(command: string, args: readonly string[], options: RunOptions): Promise<{ ms: number; line: string }> {
  const started = performance.now();
  const launched = startProcess(command, args, options);
  const line = await launched.firstLine;
  const ms = performance.now() - started;
  launched.child.kill("SIGTERM");
  await launched.closed;
  return { ms, line };
}

/** Milliseconds from spawn to exit of a command that must exit 0. */
export async function timeToExit(command: string, args: readonly string[], options: RunOptions): Promise<number> {
  const started = performance.now();
  await runOk(command, args, options);
  return performance.now() - started;
}
