// Where an apply's CPU goes, for the bench's Linux machine: terraform, each provider process it
// starts, and the local OC (in the bench's own process). On two cores an apply of many clusters is
// bound by the CPU of all three, so this is what says whether a goal is within the provider's reach.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PROCESS_CPU_FILE } from "./process-cpu-hook.js";

const HOOK = fileURLToPath(new URL("./process-cpu-hook.js", import.meta.url));

/**
 * CPU ms of the children this process has waited for: terraform, with the provider processes it
 * waited for (cutime + cstime of /proc/self/stat, in clock ticks of 10 ms on Linux).
 */
export function childrenCpuMs(): number {
  const stat = readFileSync("/proc/self/stat", "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[13]) + Number(fields[14])) * 10;
}

/** CPU ms of this process since `since` (process.cpuUsage()): the local OC, which runs in it. */
export function ownCpuMs(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}

export interface CpuAccount {
  wallMs: number;
  /** Each Node.js process terraform started (the provider's or the toy's), in the order they exited. */
  providerProcessesMs: number[];
  /** terraform's own: its children's CPU less the provider processes'. */
  terraformMs: number;
  /** This process's, where the local OC runs; 0 for the toy, which calls no server. */
  localOcMs: number;
}

/**
 * Runs `apply` (given the environment to run terraform with) and accounts for its CPU. Every Node.js
 * process it starts loads the hook (NODE_OPTIONS=--import), which adds its own CPU time to a file
 * when it exits: the hook costs both sides alike, so these runs are never the timed ones.
 */
export async function accountCpu(env: NodeJS.ProcessEnv, apply: (env: NodeJS.ProcessEnv) => Promise<number>, withLocalOc: boolean): Promise<CpuAccount> {
  const dir = mkdtempSync(join(tmpdir(), "oc-cdktf-bench-cpu-"));
  try {
    const file = join(dir, "processes");
    const children = childrenCpuMs();
    const own = process.cpuUsage();
    const wallMs = await apply({ ...env, NODE_OPTIONS: `--import ${HOOK}`, [PROCESS_CPU_FILE]: file });
    const localOcMs = withLocalOc ? ownCpuMs(own) : 0;
    const childrenMs = childrenCpuMs() - children;
    const providerProcessesMs = readFileSync(file, "utf8")
      .trim()
      .split("\n")
      .map((line) => Math.round(Number(line)));
    const sum = providerProcessesMs.reduce((a, b) => a + b, 0);
    return { wallMs: Math.round(wallMs), providerProcessesMs, terraformMs: Math.max(0, childrenMs - sum), localOcMs: Math.round(localOcMs) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
