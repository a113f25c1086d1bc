// 5. What `oc-cdktf local-oc --state FILE` costs per change at STATE_CLUSTERS clusters, and how
// that cost splits: the Store rewrites the whole document (JSON text, then write, fsync, rename)
// for every group of changes. An append-only journal saves the write of the whole document, but
// the Store does not know which records a change touched (the models mark "changed", 81 places),
// so a journal would have to find them by serializing every record: the split shows what each
// way would save.
import { appendFileSync, closeSync, fsyncSync, mkdtempSync, openSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OperationsCenterClient } from "../../src/client/index.js";
import { startLocalOperationsCenter, type LocalOperationsCenter, type SeedDocument } from "../../src/local-oc/index.js";
import { measure, summarize, type Summary } from "./stats.js";

const WRITES = 30;
const SPLIT_RUNS = 10;

export interface StateFileResult {
  clusters: number;
  fileMb: number;
  /** One PUT of a member's kernel config, answered after the state file holds it. */
  writeWithState: Summary;
  /** The same PUT on the same model kept in memory only. */
  writeInMemory: Summary;
  /** The Store's write, in parts. */
  serializeDocument: Summary;
  writeFsyncRename: Summary;
  serializeEachRecord: Summary;
  appendOneRecordFsync: Summary;
  note: string;
}

function seedOf(clusters: number): SeedDocument {
  const name = (i: number) => `state-${String(i + 1).padStart(3, "0")}`;
  return {
    servers: Array.from({ length: clusters }, (_, i) => ({ name: name(i) })),
    clusters: Array.from({ length: clusters }, (_, i) => ({ name: name(i), server_names: [name(i)] })),
  } as unknown as SeedDocument;
}

async function timedWrites(oc: LocalOperationsCenter, dir: string, servers: readonly string[]): Promise<Summary> {
  const configDir = join(dir, `client-${oc.url.replace(/\W+/g, "-")}`);
  await oc.writeClientConfig(configDir);
  const client = OperationsCenterClient.fromEnvironment({ configDir, env: {} });
  try {
    const times = await measure(
      WRITES,
      async (run) => {
        const server = servers[Math.abs(run) % servers.length]!;
        await client.request("PUT", `/1.0/provisioning/servers/${server}/os/1.0/system/kernel`, { body: { config: { blacklist_modules: [`m${run}`] } } });
      },
      3,
    );
    return summarize(times);
  } finally {
    await client.close();
  }
}

export async function benchStateFile(clusters: number): Promise<StateFileResult> {
  const dir = mkdtempSync(join(tmpdir(), "oc-cdktf-bench-state-"));
  try {
    const statePath = join(dir, "state.json");
    const persisted = await startLocalOperationsCenter({ seed: seedOf(clusters), createDelayMs: 0, statePath });
    const model = persisted.saveSnapshot();
    const servers = model.servers.map((s) => s.name);
    let writeWithState: Summary;
    try {
      writeWithState = await timedWrites(persisted, dir, servers);
    } finally {
      await persisted.close();
    }
    const memory = await startLocalOperationsCenter({ servers: 0, createDelayMs: 0 });
    let writeInMemory: Summary;
    try {
      memory.restoreSnapshot(model);
      writeInMemory = await timedWrites(memory, dir, servers);
    } finally {
      await memory.close();
    }

    // The parts, on the same document.
    const text = JSON.stringify(model, null, 1);
    const serializeDocument = summarize(await measure(SPLIT_RUNS, async () => void JSON.stringify(model, null, 1)));
    const temp = join(dir, "split.tmp");
    const writeFsyncRename = summarize(
      await measure(SPLIT_RUNS, async () => {
        const fd = openSync(temp, "w", 0o600);
        try {
          writeSync(fd, text);
          fsyncSync(fd);
        } finally {
          closeSync(fd);
        }
        renameSync(temp, join(dir, "split.json"));
      }),
    );
    const records = [...model.servers, ...model.clusters];
    const serializeEachRecord = summarize(await measure(SPLIT_RUNS, async () => void records.map((r) => JSON.stringify(r))));
    const line = `${JSON.stringify(model.servers[0])}\n`;
    const journal = join(dir, "journal");
    const appendOneRecordFsync = summarize(
      await measure(SPLIT_RUNS, async () => {
        appendFileSync(journal, line);
        const fd = openSync(journal, "r");
        try {
          fsyncSync(fd);
        } finally {
          closeSync(fd);
        }
      }),
    );
    return {
      clusters,
      fileMb: Math.round((statSync(statePath).size / 1e6) * 100) / 100,
      writeWithState,
      writeInMemory,
      serializeDocument,
      writeFsyncRename,
      serializeEachRecord,
      appendOneRecordFsync,
      note:
        `${clusters} clusters of one server each (seeded). write_* = one PUT of a member's kernel config through the OS proxy, ${WRITES} in a row, with --state and with the same model in memory only; ` +
        "the parts: the whole document to JSON text, that text written + fsync + rename (what the Store does per group of changes), every server and cluster record to JSON " +
        "(what a journal would do to find the changed records, since the models mark only that something changed), and one record appended + fsync (a journal's write)",
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
