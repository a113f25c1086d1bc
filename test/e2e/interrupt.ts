// Kill points of the end-to-end tests: terraform is killed with SIGKILL at a chosen moment of an
// apply, the provider it orphaned exits by itself, and the next run starts from a settled server.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import type { E2E } from "./harness.js";

/** The pids of a process's children (none when it has none). */
function childPids(pid: number): number[] {
  try {
    return execFileSync("pgrep", ["-P", String(pid)], { encoding: "utf8" })
      .split("\n")
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}

/** What a killed apply waits for, besides its orphaned provider exiting. */
interface KillOptions {
  /** Holds once the server is settled; by default, the local OC has answered every request it had in flight. */
  settled?: () => boolean;
  /** Runs once terraform is dead, before the wait for its provider (to release held requests, say). */
  afterKill?: () => void;
  /** How long `when` may take to hold before terraform is killed anyway (ms). */
  whenWithinMs?: number;
}

/**
 * Starts `terraform apply plan.bin` and kills it with SIGKILL when `when` says so; then waits until
 * the provider it orphaned has exited (it notices the lost parent by itself) and the server is
 * settled. Returns the pids of the processes terraform ran (its providers).
 */
export async function killedApply(e2e: E2E, when: () => boolean, options: KillOptions = {}): Promise<number[]> {
  const settledToo = options.settled ?? (() => e2e.oc.requests.every((r) => r.status !== 0));
  const child = spawn("terraform", ["apply", "-input=false", "-no-color", "plan.bin"], {
    cwd: e2e.stackDir,
    env: { ...e2e.env, CHECKPOINT_DISABLE: "1" },
    stdio: "ignore",
  });
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  for (let i = 0; i < (options.whenWithinMs ?? 6000) / 10 && !when(); i++) await new Promise((r) => setTimeout(r, 10));
  const orphans = childPids(child.pid!);
  child.kill("SIGKILL");
  await exited;
  options.afterKill?.();
  const settled = () => orphans.every(isGone) && settledToo();
  for (let i = 0; i < 1500 && !settled(); i++) await new Promise((r) => setTimeout(r, 20));
  assert.ok(
    settled(),
    `30 s after the kill, provider processes ${orphans.filter((pid) => !isGone(pid)).join(", ") || "(none)"} still run or requests are unanswered`,
  );
  return orphans;
}

/**
 * Plans, then applies with the local OC's kill point after `method path`: once that request has
 * been handled with a 2xx, the local OC holds every later request, and terraform is killed
 * while the provider waits for the next answer (so the state never records what that request
 * did). The provider exits, then the faults are cleared (the held requests are dropped).
 * `replyLost`: that request's answer is lost too, for a resource whose apply would otherwise
 * return, and Terraform save it, before any later request.
 */
export async function applyKilledAfter(e2e: E2E, method: string, path: string, options: { replyLost?: boolean } = {}): Promise<void> {
  const planned = await e2e.tf("plan", "-input=false", "-out=plan.bin");
  assert.equal(planned.code, 0, planned.stdout + planned.stderr);
  e2e.oc.clearRequests();
  const lost = options.replyLost === true ? { next: [{ method, path, fault: "lose-reply" as const }] } : {};
  e2e.oc.setFaults({ ...lost, after: { method, path, then: "hang" } });
  const passed = () => {
    const requests = e2e.oc.requests;
    const answered = (status: number) => (options.replyLost === true ? status === 0 : status >= 200 && status < 300);
    const at = requests.findIndex((r) => r.method === method && r.path === path && answered(r.status));
    return at >= 0 && requests.slice(at + 1).some((r) => r.status === 0);
  };
  await killedApply(e2e, passed, { settled: () => true });
  assert.ok(passed(), `the apply never got past ${method} ${path}:\n${e2e.oc.requests.map((r) => `${r.method} ${r.path} ${r.status}`).join("\n")}`);
  e2e.oc.setFaults({});
}
