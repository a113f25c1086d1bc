// `npm run bindings`: regenerates constructs/provider/ (cdktf) and constructs/cdktn-provider/
// (cdktn) from the provider's schema. `--check` only compares, and exits 1 naming the files that differ.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { bindingsDir, cores, filesUnder, providerBindings, providerSchemaJson } from "./sources.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

function presentFiles(dir: string): string[] {
  return existsSync(dir) ? filesUnder(dir) : [];
}

async function main(argv: string[]): Promise<number> {
  const check = argv.includes("--check");
  const schema = await providerSchemaJson();
  const problems: string[] = [];
  for (const core of cores) {
    const dir = path.join(ROOT, bindingsDir[core]);
    const files = await providerBindings(core, schema);
    const stale = presentFiles(dir).filter((f) => !files.has(f));
    const changed = [...files].filter(([name, text]) => !existsSync(path.join(dir, name)) || readFileSync(path.join(dir, name), "utf8") !== text);
    if (check) {
      problems.push(...[...changed.map(([n]) => n), ...stale].map((n) => `${bindingsDir[core]}/${n}`));
      continue;
    }
    for (const name of stale) rmSync(path.join(dir, name));
    for (const [name, text] of changed) {
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      writeFileSync(path.join(dir, name), text);
    }
    process.stdout.write(
      `bindings: wrote ${changed.length} of ${files.size} files in ${bindingsDir[core]}/${stale.length > 0 ? `, removed ${stale.join(", ")}` : ""}\n`,
    );
  }
  if (!check) return 0;
  if (problems.length === 0) {
    process.stdout.write(`bindings: ${cores.map((c) => bindingsDir[c]).join(" and ")} match the provider schema\n`);
    return 0;
  }
  process.stderr.write(`bindings: out of date: ${problems.join(", ")}; run npm run bindings\n`);
  return 1;
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
