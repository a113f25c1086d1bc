// `npm run bindings`: regenerates constructs/provider/ from the provider's schema.
// `--check` only compares, and exits 1 naming the files that differ.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { providerBindings } from "./sources.js";

const OUT_DIR = fileURLToPath(new URL("../../../constructs/provider/", import.meta.url));

async function main(argv: string[]): Promise<number> {
  const check = argv.includes("--check");
  const files = await providerBindings();
  const present = existsSync(OUT_DIR) ? readdirSync(OUT_DIR).filter((f) => f.endsWith(".ts")) : [];
  const stale = present.filter((f) => !files.has(f));
  const changed = [...files].filter(([name, text]) => !existsSync(path.join(OUT_DIR, name)) || readFileSync(path.join(OUT_DIR, name), "utf8") !== text);
  if (check) {
    if (changed.length === 0 && stale.length === 0) {
      process.stdout.write(`bindings: constructs/provider/ matches the provider schema (${files.size} files)\n`);
      return 0;
    }
    process.stderr.write(
      `bindings: constructs/provider/ is out of date: ${[...changed.map(([n]) => n), ...stale].join(", ")}; run npm run bindings\n`,
    );
    return 1;
  }
  mkdirSync(OUT_DIR, { recursive: true });
  for (const name of stale) rmSync(path.join(OUT_DIR, name));
  for (const [name, text] of changed) writeFileSync(path.join(OUT_DIR, name), text);
  process.stdout.write(`bindings: wrote ${changed.length} of ${files.size} files in constructs/provider/${stale.length > 0 ? `, removed ${stale.join(", ")}` : ""}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`bindings: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
