// Persistence: the Store, which holds the state document in memory and writes it to the state
// file. Its schemas are in persisted.ts.
//
// With a state file, everything (records, the TLS key pair, trusted client fingerprints) is
// written with an atomic replace (temp file in the same directory, fsync, rename) and read back
// on start. The document is written whole, so writes are grouped: changes mark the model, one
// write soon after covers every change marked before it began, and an answer to a request that
// changed something waits for the write that covers it (the file is never behind an answer).

import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync, existsSync } from "node:fs";
import { mkdir, open, rm } from "node:fs/promises";
import { dirname, basename, join } from "node:path";
import { createHash } from "node:crypto";
import { STATE_FORMAT, persistedStateSchema, type ClusterRecord, type PersistedState, type ServerRecord, type TemplateRecord } from "./persisted.js";

/** A state file that cannot be read, parsed or validated; the message names the file and the field. */
export class StateFileError extends Error {}

export const deepCopy = <T>(value: T): T => structuredClone(value);

export function nowString(): string {
  return new Date().toISOString();
}

/** OC's ETag: quoted sha256 hex of the JSON of the internal record. */
export function etagOf(value: unknown): string {
  return `"${createHash("sha256").update(JSON.stringify(value)).digest("hex")}"`;
}

export class Store {
  data: PersistedState;
  /** Changes marked so far, and how many of them the state file holds. */
  private marked = 0;
  private persisted = 0;
  private writing: Promise<void> | undefined;
  private writeScheduled = false;

  constructor(
    data: PersistedState,
    private readonly statePath?: string,
  ) {
    this.data = data;
  }

  /** How many changes have been marked: a request that moved it must flush before answering. */
  get version(): number {
    return this.marked;
  }

  /** Reads and validates a state file; undefined when it does not exist yet. */
  static load(statePath: string): PersistedState | undefined {
    if (!existsSync(statePath)) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(statePath, "utf8"));
    } catch (err) {
      throw new StateFileError(`cannot read local Operations Center state file ${statePath}: ${(err as Error).message} (delete it to start afresh)`);
    }
    const format = typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>)["format"] : undefined;
    if (format !== STATE_FORMAT) {
      throw new StateFileError(
        `${statePath} is not a local Operations Center state file (format ${JSON.stringify(format)}, expected ${JSON.stringify(STATE_FORMAT)}); pass another --state path or delete it`,
      );
    }
    const result = persistedStateSchema.safeParse(parsed);
    if (!result.success) {
      const issues = result.error.issues.map((i) => `  ${i.path.length > 0 ? i.path.join(".") : "(document)"}: ${i.message}`);
      throw new StateFileError(
        `invalid local Operations Center state file ${statePath}:\n${issues.join("\n")}\nfix these fields or delete the file to start afresh`,
      );
    }
    return result.data;
  }

  /** Writes the state file atomically now (no-op without a state path). */
  save(): void {
    if (this.statePath === undefined) return;
    const target = this.marked;
    const temp = this.tempPath("");
    try {
      mkdirSync(dirname(this.statePath), { recursive: true });
      const fd = openSync(temp, "w", 0o600);
      try {
        writeSync(fd, this.serialize());
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(temp, this.statePath);
      this.persisted = target;
    } catch (err) {
      throw this.writeError(err);
    }
  }

  /** Marks the model changed: a write follows soon, and flush() waits for it. */
  changed(): void {
    if (this.statePath === undefined) return;
    this.marked++;
    if (this.writeScheduled) return;
    this.writeScheduled = true;
    setImmediate(() => {
      this.writeScheduled = false;
      // A failed write is retried, and reported, by the next flush.
      this.flush().catch(() => undefined);
    });
  }

  /** Resolves once the state file holds every change marked so far. */
  async flush(): Promise<void> {
    while (this.persisted < this.marked) {
      this.writing ??= this.write().finally(() => {
        this.writing = undefined;
      });
      await this.writing;
    }
  }

  /** Waits for a write under way (its failure is flush's to report). */
  async drain(): Promise<void> {
    await this.writing?.catch(() => undefined);
  }

  private async write(): Promise<void> {
    const statePath = this.statePath!;
    const target = this.marked;
    const text = this.serialize();
    // Not save()'s temp file: a save() may run while this write waits on the disk.
    const temp = this.tempPath(".grouped");
    try {
      await mkdir(dirname(statePath), { recursive: true });
      const file = await open(temp, "w", 0o600);
      try {
        await file.writeFile(text);
        await file.sync();
      } finally {
        await file.close();
      }
      // A save() since this write began wrote a newer document: keep that one.
      if (this.persisted >= target) {
        await rm(temp, { force: true });
        return;
      }
      renameSync(temp, statePath);
      this.persisted = target;
    } catch (err) {
      throw this.writeError(err);
    }
  }

  private serialize(): string {
    return JSON.stringify(this.data, null, 1);
  }

  private tempPath(kind: string): string {
    const statePath = this.statePath!;
    return join(dirname(statePath), `.${basename(statePath)}.${process.pid}${kind}.tmp`);
  }

  private writeError(err: unknown): StateFileError {
    return new StateFileError(
      `cannot write local Operations Center state file ${this.statePath}: ${(err as Error).message} (check that its directory exists and is writable)`,
    );
  }

  server(name: string): ServerRecord | undefined {
    return this.data.servers.find((s) => s.name === name);
  }

  cluster(name: string): ClusterRecord | undefined {
    return this.data.clusters.find((c) => c.name === name);
  }

  template(name: string): TemplateRecord | undefined {
    return this.data.templates.find((t) => t.name === name);
  }

  /** Members of a cluster ordered by name (OC's `ORDER BY servers.name`). */
  members(cluster: string): ServerRecord[] {
    return this.data.servers.filter((s) => s.cluster === cluster).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  serversSorted(): ServerRecord[] {
    return [...this.data.servers].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}
