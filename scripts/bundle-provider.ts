// Bundles the provider process (dist/src/provider/main.js and serve-main.js, after tsc) into
// dist/provider/.
// Terraform starts a provider process three or four times per command, and a Node process
// spends much of its start resolving and compiling a few hundred small module files (zod and
// undici ship over two hundred); one file per lazy step is the same code, loaded faster. The
// dynamic imports stay lazy: each becomes a chunk loaded only when that step runs.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { build, transform, type Plugin } from "esbuild";
import { schemas } from "../src/provider/schemas.js";

const dist = fileURLToPath(new URL("../", import.meta.url));

// The schemas are plain data: computed here once, they reach the bundle as a literal (see
// src/provider/schemas.ts), and test/provider-bundle.test.ts compares the two.
const schemasAsLiteral: Plugin = {
  name: "provider-schemas",
  setup(build) {
    build.onLoad({ filter: /[\\/]dist[\\/]src[\\/]provider[\\/]schemas\.js$/ }, () => ({
      contents: `export const schemas = ${JSON.stringify(schemas)};\n`,
      loader: "js",
    }));
  },
};

// Chunk names carry a content hash: an earlier build's chunks would otherwise stay behind.
rmSync(`${dist}provider`, { recursive: true, force: true });
// The provider process proper, split by esbuild as ES modules (it splits no other format), then
// each file turned into CommonJS: src/provider/code-cache.ts compiles CommonJS with V8's code cache
// (vm.Script), which Node.js 20 offers for no ES module. Its dynamic imports become require() of
// the chunk, still run only when that step runs.
const split = await build({
  entryPoints: { "serve-main": `${dist}src/provider/serve-main.js` },
  outdir: `${dist}provider/process`,
  outExtension: { ".js": ".cjs" },
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  chunkNames: "chunks/[name]-[hash]",
  // Shipped (most of the package's size): minified, with function and class names kept for stack traces.
  minify: true,
  keepNames: true,
  metafile: true,
  write: false,
  logLevel: "warning",
  plugins: [schemasAsLiteral],
});
for (const file of split.outputFiles) {
  const { code } = await transform(file.text, {
    format: "cjs",
    supported: { "dynamic-import": false },
    platform: "node",
    target: "node20",
    // Names were kept by the build above (as calls that set them); the ones left are local now.
    minify: true,
  });
  mkdirSync(dirname(file.path), { recursive: true });
  writeFileSync(file.path, code);
}
// The entry node runs: checks the Node.js version, then runs the chunks above through the cache.
// CommonJS, like the chunks: an ES module entry would make every start set up Node.js's ES module
// loader and wrap each Node.js module it imports, about 7 ms of CPU and to the handshake at each of
// Terraform's starts. Its import.meta.url becomes the file's URL, computed from __filename.
const entry = await build({
  entryPoints: { main: `${dist}src/provider/main.js` },
  outdir: `${dist}provider`,
  outExtension: { ".js": ".cjs" },
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  minify: true,
  keepNames: true,
  define: { "import.meta.url": "__entryUrl" },
  banner: { js: '"use strict";\nconst __entryUrl = require("node:url").pathToFileURL(__filename).href;' },
  metafile: true,
  logLevel: "warning",
});
// What went into which file: test/provider-bundle.test.ts reads it. Kept apart from the bundle,
// which the package ships; no source maps either, as the sources they would point at are not shipped.
mkdirSync(`${dist}meta`, { recursive: true });
writeFileSync(
  `${dist}meta/provider.json`,
  `${JSON.stringify({ inputs: { ...split.metafile.inputs, ...entry.metafile.inputs }, outputs: { ...split.metafile.outputs, ...entry.metafile.outputs } })}\n`,
);
