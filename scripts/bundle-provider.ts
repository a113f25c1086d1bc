// Bundles the provider process (dist/src/provider/main.js, after tsc) into dist/provider/.
// Terraform starts a provider process three or four times per command, and a Node process
// spends much of its start resolving and compiling a few hundred small module files (zod and
// undici ship over two hundred); one file per lazy step is the same code, loaded faster. The
// dynamic imports stay lazy: each becomes a chunk loaded only when that step runs.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build, type Plugin } from "esbuild";
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
const result = await build({
  entryPoints: { main: `${dist}src/provider/main.js` },
  outdir: `${dist}provider`,
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
  logLevel: "warning",
  plugins: [schemasAsLiteral],
  // undici is CommonJS: its require() of Node's own modules needs a real require in an ES module.
  banner: { js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);' },
});

// What went into which file: test/provider-bundle.test.ts reads it. Kept apart from the bundle,
// which the package ships; no source maps either, as the sources they would point at are not shipped.
mkdirSync(`${dist}meta`, { recursive: true });
writeFileSync(`${dist}meta/provider.json`, `${JSON.stringify(result.metafile)}\n`);
