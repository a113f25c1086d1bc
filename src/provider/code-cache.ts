// Loads the provider process's CommonJS chunks (scripts/bundle-provider.ts) with V8's code cache.
// Terraform starts the provider three or four times per command, and without a cache every start
// parses and compiles the same zod, undici and js-yaml code again. Each chunk is compiled through
// vm.Script with the cached data of an earlier start; the cache is written when the process exits,
// so it also holds the functions compiled while the process ran, not only the top level (which is
// all Node's own compile cache would keep, and Node 20 has none for ES modules).
//
// The cache lives in the user's cache directory, never beside the bundle: Terraform checks the
// provider package directory against the lock file's hash. It holds compiled code only (V8
// serializes bytecode and the literals of the source, not values the process computed), so no
// secret can reach it. Whatever goes wrong with it (missing, corrupt, rejected by V8, not
// writable) the chunk is compiled from source as without a cache.
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import * as path from "node:path";
import { cachedDataVersionTag } from "node:v8";
import { Script } from "node:vm";

/** Set to 0, false, no or off, the provider compiles its code from source at every start. */
export const CODE_CACHE_ENV = "OC_CDKTF_CODE_CACHE";

const MAGIC = Buffer.from("ocdkcc01");
/** magic | depth (uint32 BE) | sha256 of the payload | payload (V8's cached data). */
const HEADER = MAGIC.length + 4 + 32;

/** How many directories of other builds (or Node.js versions) a prune leaves, the most recently written. */
export const KEPT_OTHER_BUILDS = 2;
/** At most this many directories removed by one prune, so that no exit takes long. */
const PRUNED_AT_MOST = 16;

/**
 * Where the code cache's directories are, in the user's cache directory (XDG on Linux,
 * ~/Library/Caches on macOS, %LOCALAPPDATA% on Windows).
 */
export function codeCacheRoot(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home: string = homedir()): string {
  const xdg = env.XDG_CACHE_HOME;
  const base =
    platform === "win32"
      ? (env.LOCALAPPDATA ?? path.join(home, "AppData", "Local"))
      : platform === "darwin"
        ? path.join(home, "Library", "Caches")
        : xdg !== undefined && path.isAbsolute(xdg)
          ? xdg
          : path.join(home, ".cache");
  return path.join(base, "cdktf-operations-center", "provider-code-cache");
}

/**
 * One directory per Node.js version, architecture and V8 flags (V8 rejects a cache made under
 * others: cachedDataVersionTag covers its version, flags and CPU features) and provider build: the
 * entry chunk names every chunk it loads by a hash of its content (scripts/bundle-provider.ts), so
 * its own hash names the build.
 */
function buildDirectory(root: string, entrySource: Buffer): string {
  return path.join(root, `${process.version}-${process.arch}-${cachedDataVersionTag()}-${sha256(entrySource).toString("hex").slice(0, 16)}`);
}

/** Where the chunks come from: files beside the entry (the launcher's package) or a single executable's assets. */
export interface Chunks {
  read(name: string): Buffer;
  /** The name of the chunk that `from` requires as `id` (a relative path). */
  resolve(from: string, id: string): string;
  /** Node.js's require, for anything that is no chunk (Node.js's own modules). */
  require(id: string): unknown;
}

/** Chunks as files, named by their absolute paths. */
export function chunkFiles(entry: string): Chunks {
  return { read: (file) => readFileSync(file), resolve: (from, id) => path.resolve(path.dirname(from), id), require: createRequire(entry) };
}

interface Loaded {
  readonly script: Script;
  readonly cacheFile: string;
  /** How many chunks the process that wrote the cache had loaded; -1 if none was used. */
  readonly depth: number;
  /** The cached data used, if any. */
  readonly used?: Buffer;
}

const sha256 = (data: Buffer): Buffer => createHash("sha256").update(data).digest();

/** The cached data in `file` if it is whole (its checksum matches), else undefined. */
function readCache(file: string): { data: Buffer; depth: number } | undefined {
  let raw: Buffer;
  try {
    raw = readFileSync(file);
  } catch {
    return undefined;
  }
  if (raw.length <= HEADER || !raw.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  const data = raw.subarray(HEADER);
  if (!sha256(data).equals(raw.subarray(MAGIC.length + 4, HEADER))) return undefined;
  return { data, depth: raw.readUInt32BE(MAGIC.length) };
}

/** Temp file and rename: a reader sees the old file or the new one, whichever process wins. */
function writeCache(file: string, data: Buffer, depth: number): boolean {
  const depthField = Buffer.alloc(4);
  depthField.writeUInt32BE(depth);
  const temp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    writeFileSync(temp, Buffer.concat([MAGIC, depthField, sha256(data), data]), { mode: 0o600 });
    renameSync(temp, file);
    return true;
  } catch {
    rmSync(temp, { force: true });
    return false;
  }
}

/**
 * The build's cache directory, created if missing, or undefined when the cache is off or the
 * directory is not this user's alone (compiled code from it runs as this process: another user who
 * can write there must not be able to slip code in).
 */
function usableDirectory(env: NodeJS.ProcessEnv, entrySource: Buffer): string | undefined {
  if (/^(0|false|no|off)$/i.test(env[CODE_CACHE_ENV]?.trim() ?? "")) return undefined;
  try {
    const dir = buildDirectory(codeCacheRoot(env), entrySource);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (process.platform !== "win32") {
      const stat = statSync(dir);
      if (stat.uid !== process.getuid?.() || (stat.mode & 0o022) !== 0) return undefined;
    }
    return dir;
  } catch {
    return undefined;
  }
}

/**
 * Removes the directories beside `dir` (other builds, other Node.js versions) but the
 * KEPT_OTHER_BUILDS most recently written. Another process may be removing, reading or writing
 * them at the same time: whatever fails is left, and a process whose cache went missing compiles
 * from source as without one.
 */
function pruneOtherBuilds(dir: string): string[] {
  const root = path.dirname(dir);
  const others: { name: string; written: number }[] = [];
  try {
    for (const entry of readdirSync(root, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name === path.basename(dir)) continue;
      try {
        others.push({ name: entry.name, written: statSync(path.join(root, entry.name)).mtimeMs });
      } catch {
        // Removed meanwhile.
      }
    }
  } catch {
    return [];
  }
  others.sort((a, b) => b.written - a.written);
  const removed: string[] = [];
  for (const { name } of others.slice(KEPT_OTHER_BUILDS, KEPT_OTHER_BUILDS + PRUNED_AT_MOST)) {
    try {
      rmSync(path.join(root, name), { recursive: true, force: true });
      removed.push(name);
    } catch {
      // Another process's files, or in use: left for a later prune.
    }
  }
  return removed;
}

/**
 * Runs the CommonJS chunk `entry` and the chunks it requires (relative paths; anything else is
 * Node.js's require), each compiled with its cached data from the cache directory when there is
 * any. At exit, the cache of a chunk is (re)written when it had none that V8 took, or when it was
 * written by a process that had loaded fewer chunks: a process that went further through a
 * Terraform session (schemas, then validation, then a plan that configures the client) compiled
 * more of each chunk. Each chunk's cache is so written a few times at most, then only read. A
 * larger cache stays, though (marked with the new depth, so that it is not tried again): V8 drops
 * the bytecode of functions unused for a while (those that only ran at load, in a long plan), and
 * a cache without them would compile them at every start. A process that wrote prunes the
 * directories of other builds (pruneOtherBuilds), so a cache directory stays for the few builds
 * in use.
 */
export function runCached(entry: string, chunks: Chunks = chunkFiles(entry), env: NodeJS.ProcessEnv = process.env): void {
  const debug = /^(1|true|yes|on)$/i.test(env.OC_CDKTF_DEBUG?.trim() ?? "")
    ? (line: string) => process.stderr.write(`oc-cdktf debug: code cache: ${line}\n`)
    : undefined;
  const entrySource = chunks.read(entry);
  const dir = usableDirectory(env, entrySource);
  debug?.(dir === undefined ? "off" : `in ${dir}`);
  const loaded: Loaded[] = [];
  const modules = new Map<string, { exports: unknown }>();

  const load = (file: string): unknown => {
    const known = modules.get(file);
    if (known !== undefined) return known.exports;
    const source = file === entry ? entrySource : chunks.read(file);
    const cacheFile = dir === undefined ? undefined : path.join(dir, `${sha256(source).toString("hex").slice(0, 40)}.bin`);
    const cached = cacheFile === undefined ? undefined : readCache(cacheFile);
    // The chunks were ES modules: strict, as they were.
    const wrapper = `(function (exports, require, module, __filename, __dirname) {"use strict";${source.toString("utf8")}\n})`;
    const script = new Script(wrapper, { filename: file, ...(cached === undefined ? {} : { cachedData: cached.data }) });
    const used = cached !== undefined && !script.cachedDataRejected;
    if (cacheFile !== undefined) {
      loaded.push({ script, cacheFile, ...(used ? { depth: cached.depth, used: cached.data } : { depth: -1 }) });
      debug?.(`${path.basename(file)}: ${used ? "used" : cached === undefined ? "none" : "rejected"} ${cacheFile}`);
    }
    const module = { exports: {} as unknown };
    modules.set(file, module);
    const require = (id: string): unknown => (id.startsWith("./") || id.startsWith("../") ? load(chunks.resolve(file, id)) : chunks.require(id));
    (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, require, module, file, path.dirname(file));
    return module.exports;
  };

  if (dir !== undefined) {
    process.once("exit", () => {
      let wroteAny = false;
      for (const { script, cacheFile, depth, used } of loaded) {
        if (depth >= loaded.length) continue;
        let written = false;
        try {
          const data = script.createCachedData();
          written = writeCache(cacheFile, used !== undefined && used.length >= data.length ? used : data, loaded.length);
        } catch {
          // A cache V8 cannot make is a start without one, next time too.
        }
        wroteAny ||= written;
        debug?.(`${written ? "written" : "not written"} ${cacheFile}`);
      }
      if (wroteAny) for (const name of pruneOtherBuilds(dir)) debug?.(`removed ${path.join(path.dirname(dir), name)}`);
    });
  }
  load(entry);
}
