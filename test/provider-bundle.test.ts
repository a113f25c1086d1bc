// The provider process runs from the esbuild bundle (scripts/bundle-provider.ts). What loads before
// the handshake and what never loads at all is read from the bundle's metafile.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { z } from "zod";
import { PROVIDER_ENTRY, providerPackage } from "../src/provider/launcher.js";
import { schemasOf } from "../src/provider/plugin/types.js";
import { provider } from "../src/provider/provider.js";

const bundleDir = dirname(PROVIDER_ENTRY);
const root = resolve(bundleDir, "..", "..");

const metafileSchema = z.object({
  outputs: z.record(
    z.string(),
    z.object({
      imports: z.array(z.object({ path: z.string(), kind: z.string(), external: z.boolean().optional() })),
      inputs: z.record(z.string(), z.object({ bytesInOutput: z.number() })),
    }),
  ),
});
const metafile = metafileSchema.parse(JSON.parse(readFileSync(join(root, "dist", "meta", "provider.json"), "utf8")));
const entryOutput = relative(root, PROVIDER_ENTRY).split("\\").join("/");
/** The provider process proper, which the entry runs through the code cache (src/provider/main.ts). */
const processEntry = "dist/provider/process/serve-main.cjs";
const isScript = (output: string): boolean => output.endsWith(".js") || output.endsWith(".cjs");

/** The outputs a process loads when it starts the entry, before any dynamic import runs. */
function staticallyLoaded(from: string, seen = new Set<string>()): Set<string> {
  seen.add(from);
  for (const edge of metafile.outputs[from]?.imports ?? []) {
    if (edge.kind === "import-statement" && edge.external !== true && !seen.has(edge.path)) staticallyLoaded(edge.path, seen);
  }
  return seen;
}

const packagesIn = (outputs: Iterable<string>): Set<string> =>
  new Set(
    [...outputs].flatMap((output) =>
      Object.keys(metafile.outputs[output]!.inputs).flatMap((input) => {
        const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
        return match ? [match[1]!] : [];
      }),
    ),
  );

test("the installed package carries the bundle's entry and every chunk it loads, and no source map", () => {
  assert.equal(entryOutput, "dist/provider/main.cjs");
  for (const output of [entryOutput, processEntry]) assert.ok(metafile.outputs[output], `the metafile has no output ${output}`);
  const names = providerPackage().map((f) => f.name);
  const bundled = Object.keys(metafile.outputs)
    .filter(isScript)
    .map((output) => `provider/${output.slice("dist/provider/".length)}`);
  assert.deepEqual(names.filter((n) => n.startsWith("provider/") && isScript(n)).sort(), bundled.sort());
  // CommonJS by its file names (.cjs), whatever package.json lies above where it is installed.
  assert.ok(
    names.filter((n) => n.startsWith("provider/")).every((n) => n.endsWith(".cjs")),
    names.join("\n"),
  );
  assert.ok(!names.some((n) => n.endsWith(".map")), names.join("\n"));
});

test("before the handshake the provider process loads only the plugin layer and its certificate writer, no package", () => {
  const loaded = new Set([...staticallyLoaded(entryOutput), ...staticallyLoaded(processEntry)]);
  assert.deepEqual([...packagesIn(loaded)], []);
  const sources = [...loaded].flatMap((output) => Object.keys(metafile.outputs[output]!.inputs));
  // The plugin layer, and the DER writer of its AutoMTLS certificate.
  assert.ok(
    sources.every((source) => source.startsWith("dist/src/provider/") || source.startsWith("dist/src/x509/")),
    sources.join("\n"),
  );
  assert.ok(sources.includes("dist/src/provider/plugin/serve.js"));
});

test("the provider process never contains cdktf, constructs or the test-only codecs", () => {
  const everything = packagesIn(Object.keys(metafile.outputs).filter(isScript));
  for (const forbidden of ["cdktf", "constructs", "@grpc/grpc-js", "@msgpack/msgpack"]) {
    assert.ok(!everything.has(forbidden), `${forbidden} is bundled into the provider process`);
  }
  // What it does carry, so that a change of the layout shows here.
  for (const used of ["zod", "undici", "js-yaml"]) assert.ok(everything.has(used), `${used} is missing from the bundle`);
});

test("the schemas-only process answers from a literal equal to the provider's schemas, with no package loaded", async () => {
  const chunks = Object.keys(metafile.outputs).filter((output) => Object.keys(metafile.outputs[output]!.inputs).includes("dist/src/provider/schemas.js"));
  assert.equal(chunks.length, 1, `dist/src/provider/schemas.js is in ${chunks.length} outputs`);
  const chunk = chunks[0]!;
  assert.deepEqual([...packagesIn(staticallyLoaded(chunk))], []);
  assert.ok(
    !staticallyLoaded(chunk).has(
      Object.keys(metafile.outputs).find((o) => Object.keys(metafile.outputs[o]!.inputs).includes("dist/src/provider/provider.js"))!,
    ),
  );
  const bundled: unknown = ((await import(pathToFileURL(join(root, chunk)).href)) as { schemas: unknown }).schemas;
  // The schemas are plain data, so their JSON is the whole of them.
  assert.deepEqual(bundled, JSON.parse(JSON.stringify(schemasOf(provider))), "the bundle's schemas differ from the provider's: run npm run build");
});
