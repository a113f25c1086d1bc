// The package's public surface, entry point by entry point, against the committed list in
// test/fixtures/public-api.json: the names each entry exports at run time (through the package's
// exports map, as `import` and as `require`, like a user's app), the names its .d.ts exports
// (values and types), and the public members of the classes it exports. A name appearing or
// vanishing there is a change to what users can depend on, so it has to be made on purpose.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import ts from "typescript";
import { ROOT } from "./package/consumer.js";

const FIXTURE = path.join(ROOT, "test", "fixtures", "public-api.json");
const UPDATE = "npm run build && UPDATE_PUBLIC_API=1 node --test dist/test/package-exports.test.js";

interface EntrySurface {
  /** Names the entry exports at run time. */
  runtime: string[];
  /** Names its declarations export, values and types. */
  declarations: string[];
  /** Public members of its classes ("static " before static ones); not listed for the generated L1 bindings. */
  classMembers: Record<string, string[]>;
}

const manifest = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { name: string; exports: Record<string, unknown> };
const entries = Object.keys(manifest.exports).filter((entry) => entry !== "./package.json");
const specifier = (entry: string): string => (entry === "." ? manifest.name : `${manifest.name}${entry.slice(1)}`);

/** What each entry exports at run time, loaded by a Node.js process in the package's own directory. */
function runtimeExports(): Record<string, { import: string[]; require: string[] }> {
  const script = `
    import { createRequire } from "node:module";
    const require = createRequire(process.cwd() + "/package.json");
    const names = (m) => Object.keys(m).filter((n) => n !== "__esModule" && n !== "default").sort();
    const out = {};
    for (const [entry, spec] of ${JSON.stringify(entries.map((e) => [e, specifier(e)]))}) {
      out[entry] = { import: names(await import(spec)), require: names(require(spec)) };
    }
    process.stdout.write(JSON.stringify(out));`;
  const child = spawnSync(process.execPath, ["--input-type=module", "--eval", script], { cwd: ROOT, encoding: "utf8", timeout: 120_000 });
  assert.equal(child.status, 0, `loading the package's entries failed (run npm run build first):\n${child.stderr}`);
  return JSON.parse(child.stdout) as Record<string, { import: string[]; require: string[] }>;
}

const hidden = (declaration: ts.Declaration): boolean =>
  (ts.getCombinedModifierFlags(declaration) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) !== 0 ||
  (ts.isClassElement(declaration) && declaration.name !== undefined && ts.isPrivateIdentifier(declaration.name));

/** What each entry's declarations export, resolved through the exports map's "types" condition. */
function declaredExports(): Record<string, Omit<EntrySurface, "runtime">> {
  const options: ts.CompilerOptions = {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    skipLibCheck: true,
    noEmit: true,
    types: [],
  };
  const importer = path.join(ROOT, "consumer.mts");
  const files = new Map<string, string>();
  for (const entry of entries) {
    const resolved = ts.resolveModuleName(specifier(entry), importer, options, ts.sys).resolvedModule;
    assert.ok(resolved !== undefined, `TypeScript cannot resolve ${specifier(entry)} through the exports map`);
    files.set(entry, resolved.resolvedFileName);
  }
  const program = ts.createProgram([...files.values()], options);
  const checker = program.getTypeChecker();
  const ours = (declaration: ts.Declaration): boolean => declaration.getSourceFile().fileName.startsWith(path.join(ROOT, "dist", "lib"));
  const memberNames = (type: ts.Type, prefix: string): string[] =>
    checker
      .getPropertiesOfType(type)
      .filter((p) => p.name !== "prototype" && (p.declarations ?? []).some((d) => ours(d) && !hidden(d)))
      .map((p) => `${prefix}${p.name}`);
  const out: Record<string, Omit<EntrySurface, "runtime">> = {};
  for (const [entry, file] of files) {
    const source = program.getSourceFile(file);
    const moduleSymbol = source === undefined ? undefined : checker.getSymbolAtLocation(source);
    assert.ok(moduleSymbol !== undefined, `${file} is not a module`);
    const exported = checker.getExportsOfModule(moduleSymbol);
    const classMembers: Record<string, string[]> = {};
    if (!entry.endsWith("provider")) {
      for (const symbol of exported) {
        const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
        if (!(target.flags & ts.SymbolFlags.Class)) continue;
        classMembers[symbol.name] = [
          ...memberNames(checker.getTypeOfSymbol(target), "static "),
          ...memberNames(checker.getDeclaredTypeOfSymbol(target), ""),
        ].sort();
      }
    }
    out[entry] = { declarations: exported.map((s) => s.name).sort(), classMembers };
  }
  return out;
}

const runtime = runtimeExports();
const declared = declaredExports();
const actual: Record<string, EntrySurface> = Object.fromEntries(
  entries.map((entry) => [
    entry,
    { runtime: runtime[entry]!.import, declarations: declared[entry]!.declarations, classMembers: declared[entry]!.classMembers },
  ]),
);
if (process.env["UPDATE_PUBLIC_API"] === "1") writeFileSync(FIXTURE, `${JSON.stringify(actual, null, 2)}\n`);
const expected = JSON.parse(readFileSync(FIXTURE, "utf8")) as Record<string, EntrySurface>;

test("the package exports exactly the entry points the committed public API lists", () => {
  assert.deepEqual(
    entries,
    Object.keys(expected),
    `package.json "exports" and ${path.relative(ROOT, FIXTURE)} list different entry points; if intended: ${UPDATE}`,
  );
});

for (const entry of entries) {
  test(`"${specifier(entry)}" exports the same names to import and to require`, () => {
    assert.deepEqual(runtime[entry]!.import, runtime[entry]!.require);
  });

  test(`"${specifier(entry)}" exports what the committed public API lists, and nothing else`, () => {
    assert.deepEqual(
      actual[entry],
      expected[entry],
      `The public surface of "${specifier(entry)}" changed. If the change is intended, update the list with\n  ${UPDATE}\n` +
        `and commit ${path.relative(ROOT, FIXTURE)}. Otherwise keep the name internal: leave it out of the entry's index file, or mark the member @internal (stripped from the .d.ts).`,
    );
  });
}
