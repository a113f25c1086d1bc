// The L1 bindings in constructs/provider/ are generated from the provider's schema; this fails
// when someone changes a schema without `npm run bindings`, or edits a generated file by hand.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { providerBindings } from "../src/bindings/sources.js";
import { PROVIDER_VERSION } from "../src/provider/identity.js";

const SOURCE_DIR = fileURLToPath(new URL("../../constructs/provider/", import.meta.url));
const PACKAGE_JSON = fileURLToPath(new URL("../../package.json", import.meta.url));

test("constructs/provider/ is exactly what npm run bindings generates from the provider schema", async () => {
  const generated = await providerBindings();
  const present = readdirSync(SOURCE_DIR).filter((f) => f.endsWith(".ts")).sort();
  assert.deepEqual(present, [...generated.keys()].sort(), "the generated file set differs: run npm run bindings");
  for (const [name, text] of generated) {
    assert.equal(readFileSync(`${SOURCE_DIR}${name}`, "utf8"), text, `constructs/provider/${name} differs from the schema: run npm run bindings`);
  }
});

test("every resource and data source of the provider has a binding class with its type name", async () => {
  const { provider } = await import("../src/provider/provider.js");
  const bindings = await import("../constructs/provider/index.js");
  const typeNames = Object.values(bindings)
    .map((exported) => (exported as { tfResourceType?: unknown }).tfResourceType)
    .filter((t): t is string => typeof t === "string");
  for (const r of [...provider.resources, ...provider.dataSources]) assert.ok(typeNames.includes(r.typeName), `no binding for ${r.typeName}`);
});

test("the provider version is the package version", () => {
  const pkg = JSON.parse(readFileSync(PACKAGE_JSON, "utf8")) as { version: string };
  assert.equal(PROVIDER_VERSION, pkg.version);
});
