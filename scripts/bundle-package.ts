// What `npm pack` ships besides the provider bundle (scripts/bundle-provider.ts), built from tsc's
// ES module output in dist/:
//
//   dist/cli/       the `oc-cdktf` command, one ES module bundle (lazy commands stay lazy chunks)
//   dist/lib/       the library as CommonJS, file by file, with its .d.ts: what the stock cdktf
//                   template (ts-node, jest) requires. Each entry also has an .mjs beside it that
//                   re-exports the same CommonJS module by name, so an ES module app imports one
//                   copy of it (no dual-package state: OperationsCenter keeps one per stack).
//   dist/lib/constructs-cdktn/   the same constructs against cdktn: the L2 files with "cdktf"
//                   replaced by "cdktn", and the L1 bindings cdktn's own generator made.
//
// Dependencies stay external (npm installs them); cdktf, cdktn and constructs are peers.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { build, transform } from "esbuild";

const dist = fileURLToPath(new URL("../", import.meta.url));
const lib = path.join(dist, "lib");

/** Package export -> the tsc output (relative to dist/) it is built from. */
export const libraryEntries = {
  ".": "constructs/index.js",
  "./provider": "constructs/provider/index.js",
  "./cdktn": "constructs-cdktn/index.js",
  "./cdktn/provider": "constructs-cdktn/provider/index.js",
  "./client": "src/client/index.js",
  "./config": "src/config/index.js",
  "./local-oc": "src/local-oc/index.js",
} as const;

const toPosix = (p: string): string => p.split(path.sep).join("/");

await build({
  entryPoints: { main: path.join(dist, "src/cli/main.js") },
  outdir: path.join(dist, "cli"),
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  // Shipped: minified, with function and class names kept for stack traces.
  minify: true,
  keepNames: true,
  packages: "external",
  chunkNames: "chunks/[name]-[hash]",
  logLevel: "warning",
});

/** The tsc output files a set of entries loads, relative to dist/ (found by esbuild, not written). */
async function closure(entries: string[]): Promise<string[]> {
  const result = await build({
    entryPoints: entries.map((e) => path.join(dist, e)),
    bundle: true,
    write: false,
    metafile: true,
    format: "esm",
    platform: "node",
    packages: "external",
    outdir: path.join(dist, "closure"),
    logLevel: "warning",
  });
  return Object.keys(result.metafile.inputs).map((input) => toPosix(path.relative(dist, path.resolve(process.cwd(), input))));
}

/** The .d.ts files a declaration file refers to, followed through relative imports. */
function declarationClosure(start: string[], seen = new Set<string>()): Set<string> {
  for (const file of start) {
    if (seen.has(file) || !existsSync(path.join(dist, file))) continue;
    seen.add(file);
    const text = readFileSync(path.join(dist, file), "utf8");
    const refs = [...text.matchAll(/(?:from |import\()["'](\.{1,2}\/[^"']+)\.js["']/g)].map((m) => toPosix(path.join(path.dirname(file), `${m[1]}.d.ts`)));
    declarationClosure(refs, seen);
  }
  return seen;
}

rmSync(lib, { recursive: true, force: true });
const cdktfEntries = [libraryEntries["."], libraryEntries["./provider"], libraryEntries["./client"], libraryEntries["./config"], libraryEntries["./local-oc"]];
const js = await closure(cdktfEntries);
const dts = declarationClosure([...js, ...cdktfEntries].map((f) => f.replace(/\.js$/, ".d.ts")));

async function writeCommonJs(from: string, to: string, edit: (code: string) => string = (c) => c): Promise<void> {
  const source = readFileSync(path.join(dist, from), "utf8");
  // import.meta does not exist in CommonJS; the module's own file URL does the same job.
  const importMeta = source.includes("import.meta")
    ? { define: { "import.meta.url": "__moduleUrl" }, banner: 'const __moduleUrl = require("node:url").pathToFileURL(__filename).href;' }
    : {};
  const { code } = await transform(source, { format: "cjs", platform: "node", target: "node20", ...importMeta });
  mkdirSync(path.dirname(path.join(lib, to)), { recursive: true });
  writeFileSync(path.join(lib, to), edit(code));
}

function copyText(from: string, to: string, edit: (text: string) => string = (t) => t): void {
  mkdirSync(path.dirname(path.join(lib, to)), { recursive: true });
  writeFileSync(path.join(lib, to), edit(readFileSync(path.join(dist, from), "utf8")));
}

for (const file of js) await writeCommonJs(file, file);
for (const file of dts) copyText(file, file);

// The cdktn build: the constructs' own files against cdktn, the bindings from cdktn's generator.
const toCdktn = (text: string): string => text.replace(/(require\(|from )"cdktf(\/[^"]*)?"/g, '$1"cdktn$2"');
const cdktnFile = (file: string): string | undefined => {
  if (!file.startsWith("constructs/")) return undefined;
  return file.replace(/^constructs\//, "constructs-cdktn/");
};
for (const file of js) {
  const target = cdktnFile(file);
  if (target === undefined) continue;
  if (file.startsWith("constructs/provider/")) await writeCommonJs(file.replace(/^constructs\/provider\//, "constructs/cdktn-provider/"), target);
  else await writeCommonJs(file, target, toCdktn);
}
for (const file of dts) {
  const target = cdktnFile(file);
  if (target === undefined) continue;
  if (file.startsWith("constructs/provider/")) copyText(file.replace(/^constructs\/provider\//, "constructs/cdktn-provider/"), target);
  else copyText(file, target, toCdktn);
}

writeFileSync(path.join(lib, "package.json"), `${JSON.stringify({ type: "commonjs" })}\n`);

// The ES module entries: the CommonJS module's names, re-exported.
const require = createRequire(import.meta.url);
for (const entry of Object.values(libraryEntries)) {
  const cjs = path.join(lib, entry);
  // The cdktn build has the cdktf build's names (same sources, same generator shape).
  const names = Object.keys(require(path.join(lib, entry.replace(/^constructs-cdktn\//, "constructs/"))) as object).filter((n) => n !== "__esModule");
  const mjs = cjs.replace(/\.js$/, ".mjs");
  writeFileSync(mjs, `import lib from "./${path.basename(cjs)}";\nexport const { ${names.join(", ")} } = lib;\n`);
}
