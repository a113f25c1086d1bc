// Terraform saves state only after an apply returns, so a create that was interrupted (killed,
// timed out, lost connection) leaves a cluster that state does not know. Before the POST the
// create writes a journal entry beside the stack; the next create that finds the cluster asks the
// journal whether it is its own (the cluster carries the same create id in oc-cdktf.io/created-by)
// and whether that create still runs. The journal lives in .terraform/, which a fresh checkout
// lacks: there the marker of the resource's adoption key (bookkeeping.ts) proves the cluster its own.
import { createHash, randomUUID } from "node:crypto";
import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";

const journalEntrySchema = z.object({
  name: z.string(),
  create_id: z.string(),
  pid: z.number().int(),
  started_at: z.string(),
  /** Set when the create's POST was answered (it failed): nobody is creating any more. */
  finished_at: z.string().optional(),
  /**
   * Set when the provider handed the created cluster to Terraform, which saves it in state. Until
   * then a destroy cannot know the cluster (validate in cluster.ts refuses one that would remove it).
   */
  answered_at: z.string().optional(),
});
type JournalEntry = z.infer<typeof journalEntrySchema>;

/** Entries older than this are ignored: their create is long over and its outcome is in state or gone. */
const MAX_AGE_MS = 7 * 24 * 3600 * 1000;

export function journalDir(workDir: string): string {
  return join(workDir, ".terraform", "oc-cdktf", "creating");
}

/** The entry file of a cluster name (the name hashed: it may hold characters a file name cannot). */
export function journalFile(workDir: string, name: string): string {
  return join(journalDir(workDir), `${createHash("sha256").update(name).digest("hex")}.json`);
}

function write(workDir: string, entry: JournalEntry): void {
  mkdirSync(journalDir(workDir), { recursive: true, mode: 0o700 });
  writeFileSync(journalFile(workDir, entry.name), `${JSON.stringify(entry)}\n`, { mode: 0o600 });
}

/** Records a create about to start, with its create id (a new random one when none is given); returns its entry. */
export function beginCreate(workDir: string, name: string, createId: string = randomUUID(), now: Date = new Date()): JournalEntry {
  const entry: JournalEntry = { name, create_id: createId, pid: process.pid, started_at: now.toISOString() };
  write(workDir, entry);
  return entry;
}

/** Records that the create's POST was answered with a failure: its pending leftover is nobody's work in progress. */
export function finishCreate(workDir: string, entry: JournalEntry, now: Date = new Date()): void {
  write(workDir, { ...entry, finished_at: now.toISOString() });
}

/** Records that the create's cluster went to Terraform in the apply's answer: state holds it from now on. */
export function answerCreate(workDir: string, name: string, createId: string, now: Date = new Date()): void {
  const entry = findCreate(workDir, name, now);
  if (entry !== undefined && entry.create_id === createId) write(workDir, { ...entry, answered_at: now.toISOString() });
}

/**
 * The entry of a create of this cluster name that no running process owns and whose cluster never
 * reached Terraform: the cluster may exist without being in state.
 */
export function unsavedCreate(workDir: string, name: string, now: Date = new Date()): JournalEntry | undefined {
  const entry = findCreate(workDir, name, now);
  return entry === undefined || entry.answered_at !== undefined || isRunning(entry) ? undefined : entry;
}

/** The entry of the last create of this cluster name (running, failed, or answered), if one is recorded and recent. */
export function findCreate(workDir: string, name: string, now: Date = new Date()): JournalEntry | undefined {
  let text: string;
  try {
    text = readFileSync(journalFile(workDir, name), "utf8");
  } catch {
    return undefined;
  }
  try {
    const parsed = journalEntrySchema.safeParse(JSON.parse(text));
    if (!parsed.success || parsed.data.name !== name) return undefined;
    const started = Date.parse(parsed.data.started_at);
    if (!Number.isFinite(started) || now.getTime() - started > MAX_AGE_MS) return undefined;
    return parsed.data;
  } catch {
    return undefined;
  }
}

/** Forgets the entry once state holds its create id (or the create is abandoned). */
export function endCreate(workDir: string, name: string, createId: string): void {
  const entry = findCreate(workDir, name, new Date(0));
  if (entry !== undefined && entry.create_id !== createId) return;
  removeIfPresent(journalFile(workDir, name));
}

/**
 * Removes a file unless it is gone already. Not rmSync: that loads one of Node.js's modules, which
 * after the provider's V8 flags is compiled without its cached code (src/provider/v8-flags.ts).
 */
function removeIfPresent(file: string): void {
  try {
    unlinkSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
}

/** Whether the create of an entry may still be running: not finished, and its process (on this machine) is alive. */
export function isRunning(entry: JournalEntry): boolean {
  if (entry.finished_at !== undefined || entry.pid <= 0) return false;
  try {
    process.kill(entry.pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

// A factory reset by this provider (deletion_policy "factory-reset") wipes the members, and
// Operations Center forgets their records until each reinstalled machine registers again. A
// create that follows in the same apply (a re-create through allow_recreate) waits for exactly
// those servers; the record says which they are, so a create never waits for a server nobody reset.
const resetEntrySchema = z.object({ server: z.string(), reset_at: z.string() });

function resetFile(workDir: string, server: string): string {
  return join(workDir, ".terraform", "oc-cdktf", "reset", `${createHash("sha256").update(server).digest("hex")}.json`);
}

/** Records that these servers were factory-reset now. */
export function recordReset(workDir: string, servers: readonly string[], now: Date = new Date()): void {
  mkdirSync(join(workDir, ".terraform", "oc-cdktf", "reset"), { recursive: true, mode: 0o700 });
  for (const server of servers) {
    writeFileSync(resetFile(workDir, server), `${JSON.stringify({ server, reset_at: now.toISOString() })}\n`, { mode: 0o600 });
  }
}

/** Of `servers`, those this provider factory-reset within `withinMs` (their registration is awaited). */
export function recentlyReset(workDir: string, servers: readonly string[], withinMs: number, now: Date = new Date()): string[] {
  return servers.filter((server) => {
    try {
      const parsed = resetEntrySchema.safeParse(JSON.parse(readFileSync(resetFile(workDir, server), "utf8")));
      return parsed.success && parsed.data.server === server && now.getTime() - Date.parse(parsed.data.reset_at) <= withinMs;
    } catch {
      return false;
    }
  });
}

/** Forgets the reset record of servers that registered again. */
export function endReset(workDir: string, servers: readonly string[]): void {
  for (const server of servers) removeIfPresent(resetFile(workDir, server));
}
