// The provider's V8 code cache (src/provider/code-cache.ts): written in the user's cache directory
// at a first start and used at the next, rewritten by a process that went further, and never in
// the way: a corrupt, rejected or unsafe cache, or OC_CDKTF_CODE_CACHE=0, is a start without one.
// With the real terraform, the package directory Terraform checks against the lock file stays as
// it was.
import assert from "node:assert/strict";
import { chmodSync, type Dirent, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { codeCacheRoot, CODE_CACHE_ENV, KEPT_OTHER_BUILDS } from "../src/provider/code-cache.js";
import { launcherDirectory, packageHash, PROVIDER_ENTRY, type PackageFile } from "../src/provider/launcher.js";
import { impliedType } from "../src/provider/plugin/cty/block.js";
import { toMsgpack } from "../src/provider/plugin/cty/codec.js";
import { decode, encode } from "../src/provider/plugin/wire/protobuf.js";
import * as wire from "../src/provider/plugin/wire/tfplugin6.js";
import { schemas } from "../src/provider/schemas.js";
import { terraform } from "../src/review/terraform.js";
import { COOKIE, start, unary } from "./fixtures/plugin/harness.js";
import * as grpc from "@grpc/grpc-js";
import { installProvider, templateConfig, workspace } from "./e2e/workspace.js";

/** The provider's OC_CDKTF_DEBUG lines about its code cache, with the cache directory it names first ("in <dir>") as <dir>. */
function cacheLines(stderr: string): string[] {
  const lines = stderr
    .split("\n")
    .filter((line) => line.startsWith("oc-cdktf debug: code cache: "))
    .map((line) => line.slice("oc-cdktf debug: code cache: ".length));
  const dir = lines[0]?.startsWith("in ") === true ? lines[0].slice("in ".length) : undefined;
  return dir === undefined ? lines : lines.map((line) => line.split(dir).join("<dir>"));
}

/**
 * Starts the provider's entry as Terraform would (without AutoMTLS), asks for its schemas (and,
 * with `validate`, checks an empty provider block, which loads the provider's own chunks), shuts
 * it down and returns its code cache lines.
 */
async function session(env: Record<string, string>, validate = false): Promise<string[]> {
  const plugin = await start({ TF_PLUGIN_MAGIC_COOKIE: COOKIE, OC_CDKTF_DEBUG: "1", ...env }, [process.execPath, PROVIDER_ENTRY]);
  const client = new grpc.Client(`unix://${plugin.handshake[3]}`, grpc.credentials.createInsecure());
  try {
    const schema = decode(wire.GetProviderSchemaResponse, await unary(client, "/tfplugin6.Provider/GetProviderSchema", new Uint8Array(0)));
    assert.ok(schema.resource_schemas.has("operationscenter_cluster"));
    if (validate) {
      const block = schemas.provider.block;
      const config = {
        msgpack: toMsgpack(Object.fromEntries(Object.keys(block.attributes).map((k) => [k, null])), impliedType(block)),
        json: new Uint8Array(0),
      };
      const checked = decode(
        wire.DiagnosticsField2,
        await unary(client, "/tfplugin6.Provider/ValidateProviderConfig", encode(wire.ValidateProviderConfigRequest, { config })),
      );
      assert.deepEqual(checked.diagnostics, []);
    }
    await unary(client, "/plugin.GRPCController/Shutdown", new Uint8Array(0));
  } finally {
    client.close();
  }
  assert.equal(await plugin.exit, 0, plugin.stderr());
  return cacheLines(plugin.stderr());
}

/** An environment whose user cache directory (XDG_CACHE_HOME, or under HOME on macOS) is a new temporary one. */
function cacheHome(t: { after(fn: () => void): void }): { HOME: string; XDG_CACHE_HOME: string } {
  const dir = mkdtempSync(path.join(tmpdir(), "code-cache-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return { HOME: dir, XDG_CACHE_HOME: dir };
}

/**
 * The provider's cache directory under a new cache home: the only one there. Not computed here: its
 * name carries V8's flags, which the provider process sets (src/provider/v8-flags.ts) and this one
 * does not, and the build.
 */
function cacheDir(env: NodeJS.ProcessEnv): string {
  const parent = codeCacheRoot(env, process.platform, env.HOME);
  const dirs = readdirSync(parent);
  assert.equal(dirs.length, 1, dirs.join("\n"));
  return path.join(parent, dirs[0]!);
}

const entryLine = (lines: readonly string[]): string | undefined => lines.find((line) => line.startsWith("serve-main.cjs: "));

test("the first start writes the cache, the next uses it and writes nothing; a process that loads more rewrites what it shares", async (t) => {
  const env = cacheHome(t);
  const first = await session(env);
  assert.match(entryLine(first) ?? "", /^serve-main\.cjs: none <dir>\/[0-9a-f]{40}\.bin$/);
  assert.ok(
    first.some((line) => /^written <dir>\//.test(line)),
    first.join("\n"),
  );
  const files = readdirSync(cacheDir(env));
  assert.ok(files.length > 0 && files.every((f) => /^[0-9a-f]{40}\.bin$/.test(f)), files.join("\n"));
  assert.equal(statSync(cacheDir(env)).mode & 0o777, 0o700);

  const second = await session(env);
  assert.match(entryLine(second) ?? "", /^serve-main\.cjs: used /);
  assert.deepEqual(
    second.filter((line) => line.startsWith("written")),
    [],
  );

  // Validation loads the provider's chunks too: this process compiled more of the entry chunk.
  const deeper = await session(env, true);
  assert.match(entryLine(deeper) ?? "", /^serve-main\.cjs: used /);
  const entryFile = entryLine(deeper)!.split(" ").at(-1)!;
  assert.ok(deeper.includes(`written ${entryFile}`), deeper.join("\n"));
  assert.ok(readdirSync(cacheDir(env)).length > files.length);
  // Only to a schema request again: nothing is written over what the deeper process left.
  assert.deepEqual(
    (await session(env)).filter((line) => line.startsWith("written")),
    [],
  );
});

test("a corrupt cache file and one V8 rejects are starts without a cache, then written anew", async (t) => {
  const env = cacheHome(t);
  await session(env);
  const dir = cacheDir(env);
  const files = readdirSync(dir).map((f) => path.join(dir, f));
  const bySize = [...files].sort((a, b) => statSync(b).size - statSync(a).size);
  const largest = readFileSync(bySize[0]!);
  // Under every other name, the largest chunk's whole cache (a good checksum): V8 finds it is not theirs.
  for (const file of bySize.slice(1)) writeFileSync(file, largest);
  // And one byte of the largest's payload flipped: its checksum no longer matches.
  largest[largest.length - 10] = largest[largest.length - 10]! ^ 0xff;
  writeFileSync(bySize[0]!, largest);

  const lines = await session(env);
  const states = lines.filter((line) => /^[\w-]+\.cjs: /.test(line)).map((line) => line.split(" ")[1]);
  assert.ok(states.includes("none") && states.includes("rejected") && !states.includes("used"), lines.join("\n"));
  assert.equal(lines.filter((line) => line.startsWith("written")).length, files.length, lines.join("\n"));
  assert.ok((await session(env)).filter((line) => /^[\w-]+\.cjs: /.test(line)).every((line) => line.split(" ")[1] === "used"));
});

test(`${CODE_CACHE_ENV}=0, and a cache directory others can write to, turn the cache off; the provider answers as ever`, async (t) => {
  const env = cacheHome(t);
  assert.deepEqual(await session({ ...env, [CODE_CACHE_ENV]: "0" }), ["off"]);
  assert.deepEqual(readdirSync(env.HOME), []);

  await session(env);
  chmodSync(cacheDir(env), 0o777);
  assert.deepEqual(await session(env), ["off"]);
  // Where no directory can be made (the cache home is a file), the same.
  const file = path.join(env.HOME, "not-a-directory");
  writeFileSync(file, "");
  assert.deepEqual(await session({ HOME: file, XDG_CACHE_HOME: file }), ["off"]);
});

test(`a process that writes the cache removes the directories of other builds but the ${KEPT_OTHER_BUILDS} last written, also when two start at once`, async (t) => {
  const env = cacheHome(t);
  const root = codeCacheRoot(env, process.platform, env.HOME);
  // Other builds and Node.js versions, written one hour apart, oldest first; and a file that is no build.
  const others = ["v20.1.0-x64-1", "v20.1.0-x64-1-0123456789abcdef", "v22.0.0-x64-2-fedcba9876543210", "v24.0.0-x64-3-00112233445566778"];
  const now = Date.now() / 1000;
  for (const [i, name] of others.entries()) {
    mkdirSync(path.join(root, name), { recursive: true, mode: 0o700 });
    writeFileSync(path.join(root, name, `${"0".repeat(40)}.bin`), "old");
    utimesSync(path.join(root, name), now - 3600 * (others.length - i), now - 3600 * (others.length - i));
  }
  writeFileSync(path.join(root, "notes.txt"), "not a build");

  // Two first starts of this build at once: both write, both prune.
  const [first, second] = await Promise.all([session(env), session(env)]);
  const kept = others.slice(-KEPT_OTHER_BUILDS);
  const own = readdirSync(root).filter((name) => !others.includes(name) && name !== "notes.txt");
  assert.equal(own.length, 1, readdirSync(root).join("\n"));
  assert.deepEqual(readdirSync(root).sort(), [...own, ...kept, "notes.txt"].sort());
  const removed = [...first, ...second].filter((line) => line.startsWith("removed ")).map((line) => path.basename(line));
  assert.deepEqual([...new Set(removed)].sort(), others.slice(0, -KEPT_OTHER_BUILDS).sort());
  assert.ok(readdirSync(path.join(root, own[0]!)).some((file) => /^[0-9a-f]{40}\.bin$/.test(file)));

  // A start that writes nothing prunes nothing.
  const third = await session(env);
  assert.match(entryLine(third) ?? "", /^serve-main\.cjs: used /);
  assert.deepEqual(
    third.filter((line) => line.startsWith("removed ") || line.startsWith("written ")),
    [],
  );
  assert.deepEqual(readdirSync(root).sort(), [...own, ...kept, "notes.txt"].sort());
});

/** Terraform's h1: hash of an unpacked package directory, read from disk. */
function directoryHash(dir: string): string {
  const files = (readdirSync(dir, { recursive: true, withFileTypes: true }) as Dirent[])
    .filter((entry) => entry.isFile())
    .map((entry): PackageFile => {
      const full = path.join(entry.parentPath, entry.name);
      return { name: path.relative(dir, full).split(path.sep).join("/"), data: readFileSync(full), mode: statSync(full).mode };
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return packageHash(files);
}

test("with terraform: apply fills the cache in the user's cache directory, the package directory keeps its hash, and a corrupted cache still plans clean", async (t) => {
  const w = await workspace(t, "code-cache-");
  await installProvider(w);
  const env: NodeJS.ProcessEnv = { ...w.env, XDG_CACHE_HOME: path.join(w.dir, "cache") };
  delete env[CODE_CACHE_ENV];
  const pluginDir = launcherDirectory(path.join(w.env.HOME!, ".terraform.d", "plugins"));
  assert.equal(directoryHash(pluginDir), packageHash());
  const stack = path.join(w.dir, "stack");
  const tf = async (args: string[]): Promise<void> => {
    const result = await terraform([...args, "-input=false", "-no-color"], { cwd: stack, env });
    assert.equal(result.code, 0, `terraform ${args.join(" ")}:\n${result.stdout}${result.stderr}`);
  };
  mkdirSync(stack, { recursive: true });
  writeFileSync(path.join(stack, "main.tf"), templateConfig("cached"));
  await tf(["init"]);
  await tf(["apply", "-auto-approve"]);
  const dir = cacheDir(env);
  const written = readdirSync(dir);
  // One file per chunk the sessions loaded: the entry, the schemas, the provider, zod and undici among them.
  assert.ok(written.length >= 8, written.join("\n"));

  for (const file of written) {
    const data = readFileSync(path.join(dir, file));
    data.fill(0x5a, data.length >> 1);
    writeFileSync(path.join(dir, file), data);
  }
  await tf(["plan", "-detailed-exitcode"]);
  // Rewritten in place, with no temp file left.
  assert.deepEqual(readdirSync(dir).sort(), [...written].sort());
  for (const file of written) {
    const data = readFileSync(path.join(dir, file));
    assert.ok(!data.subarray(data.length >> 1).every((byte) => byte === 0x5a), `${file} was not written anew`);
  }
  assert.equal(directoryHash(pluginDir), packageHash());
  assert.equal(directoryHash(launcherDirectory(path.join(stack, ".terraform", "providers"))), packageHash());
  assert.deepEqual(
    w.oc.snapshot().templates.map((x) => x.name),
    ["cached"],
  );
});
