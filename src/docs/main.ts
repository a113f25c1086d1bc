// `npm run docs`: regenerates docs/ from the provider's schema and examples/.
// `--check` only compares, and exits 1 naming the files that differ.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { providerDocs } from "./sources.js";

const OUT_DIR = fileURLToPath(new URL("../../../docs/", import.meta.url));
/** The generated part of docs/; other files there (docs/local-oc/) are written by hand. */
const GENERATED = (name: string) => name === "index.md" || name.startsWith("resources/") || name.startsWith("data-sources/");

function present(): string[] {
  return ["resources", "data-sources"]
    .flatMap((dir) => (existsSync(path.join(OUT_DIR, dir)) ? readdirSync(path.join(OUT_DIR, dir)).map((f) => `${dir}/${f}`) : []))
    .concat(existsSync(path.join(OUT_DIR, "index.md")) ? ["index.md"] : [])
    .filter(GENERATED);
}

async function main(argv: string[]): Promise<number> {
  const pages = await providerDocs();
  const stale = present().filter((f) => !pages.has(f));
  const changed = [...pages].filter(([name, text]) => !existsSync(path.join(OUT_DIR, name)) || readFileSync(path.join(OUT_DIR, name), "utf8") !== text);
  if (argv.includes("--check")) {
    if (changed.length === 0 && stale.length === 0) {
      process.stdout.write(`docs: docs/ matches the provider schema and examples (${pages.size} pages)\n`);
      return 0;
    }
    process.stderr.write(`docs: docs/ is out of date: ${[...changed.map(([n]) => n), ...stale].join(", ")}; run npm run docs\n`);
    return 1;
  }
  for (const name of stale) rmSync(path.join(OUT_DIR, name));
  for (const [name, text] of changed) {
    mkdirSync(path.dirname(path.join(OUT_DIR, name)), { recursive: true });
    writeFileSync(path.join(OUT_DIR, name), text);
  }
  process.stdout.write(`docs: wrote ${changed.length} of ${pages.size} pages in docs/${stale.length > 0 ? `, removed ${stale.join(", ")}` : ""}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`docs: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
