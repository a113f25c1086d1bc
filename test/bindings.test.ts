// The L1 bindings in constructs/provider/ (cdktf) and constructs/cdktn-provider/ (cdktn) are what
// cdktf's and cdktn's own generators make from the provider's schema as Terraform prints it; this
// fails when someone changes a schema without `npm run bindings`, or edits a generated file by hand.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { bindingsDir, cores, filesUnder, providerBindings, providerSchemaJson } from "../src/bindings/sources.js";
import { PROVIDER_VERSION } from "../src/provider/identity.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const PACKAGE_JSON = path.join(ROOT, "package.json");

test("constructs/provider/ and constructs/cdktn-provider/ are exactly what npm run bindings generates from the provider schema", async () => {
  const schema = await providerSchemaJson();
  for (const core of cores) {
    const generated = await providerBindings(core, schema);
    const dir = path.join(ROOT, bindingsDir[core]);
    assert.deepEqual(filesUnder(dir).sort(), [...generated.keys()].sort(), `the generated file set of ${bindingsDir[core]} differs: run npm run bindings`);
    for (const [name, text] of generated) {
      assert.equal(readFileSync(path.join(dir, name), "utf8"), text, `${bindingsDir[core]}/${name} differs from the schema: run npm run bindings`);
    }
  }
});

test("every resource and data source of the provider has a binding class with its type name, with cdktf's nested-attribute classes", async () => {
  const { provider } = await import("../src/provider/provider.js");
  const bindings = (await import("../constructs/provider/index.js")) as unknown as Record<string, Record<string, unknown>>;
  const classes = Object.values(bindings).flatMap((namespace) => Object.values(namespace));
  const typeNames = classes.map((exported) => (exported as { tfResourceType?: unknown }).tfResourceType).filter((t): t is string => typeof t === "string");
  for (const r of [...provider.resources, ...provider.dataSources]) assert.ok(typeNames.includes(r.typeName), `no binding for ${r.typeName}`);
  // What the issue found missing from the earlier hand-made generator: typed lists for nested attributes.
  const servers = bindings["dataOperationscenterServers"]!;
  assert.equal(typeof servers["DataOperationscenterServersServersList"], "function");
});

test("the provider version is the package version", () => {
  const pkg = JSON.parse(readFileSync(PACKAGE_JSON, "utf8")) as { version: string };
  assert.equal(PROVIDER_VERSION, pkg.version);
});

test("terraform providers schema -json marks the descriptions as Markdown, as the schemas-only process serves them", async () => {
  interface Block {
    description_kind: string;
    attributes: Record<string, { description: string; description_kind: string }>;
  }
  const schema = (await providerSchemaJson()) as {
    provider_schemas: Record<string, { provider: { block: Block }; resource_schemas: Record<string, { block: Block }> }>;
  };
  const [only] = Object.values(schema.provider_schemas);
  assert.ok(only !== undefined, "no provider schema");
  assert.equal(only.provider.block.description_kind, "markdown");
  const template = only.resource_schemas["operationscenter_cluster_template"]?.block;
  assert.ok(template !== undefined, "no operationscenter_cluster_template schema");
  assert.equal(template.description_kind, "markdown");
  assert.equal(template.attributes["name"]?.description_kind, "markdown");
});
