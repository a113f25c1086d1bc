// docs/ is what `npm run docs` generates from the provider schema and examples/, and every
// example is a configuration that terraform validate accepts with the installed provider.
import assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { providerDocs, EXAMPLES_DIR } from "../src/docs/sources.js";
import { terraform } from "../src/review/terraform.js";
import { installProvider, ROOT, workspace } from "./e2e/workspace.js";

test("docs/ holds exactly the pages npm run docs generates from the provider schema and examples", async () => {
  const pages = await providerDocs();
  const docs = path.join(ROOT, "docs");
  const onDisk = ["index.md", ...["resources", "data-sources"].flatMap((dir) => readdirSync(path.join(docs, dir)).map((f) => `${dir}/${f}`))].sort();
  assert.deepEqual(onDisk, [...pages.keys()].sort(), "pages without a schema, or a schema without a page: run npm run docs");
  for (const [name, text] of pages) assert.equal(readFileSync(path.join(docs, name), "utf8"), text, `docs/${name} differs from the schema: run npm run docs`);
  for (const [name, text] of pages) {
    if (name === "index.md") continue;
    assert.match(text, /## Example Usage\n\n```terraform\n/, `docs/${name} has no example`);
    if (name.startsWith("resources/")) assert.match(text, /## Import\n/, `docs/${name} has no import section`);
  }
});

test("every docs example passes terraform validate with the installed provider", async (t) => {
  const w = await workspace(t, "docs-");
  await installProvider(w);
  const config = path.join(w.dir, "examples");
  mkdirSync(config);
  copyFileSync(path.join(EXAMPLES_DIR, "provider", "provider.tf"), path.join(config, "provider.tf"));
  for (const kind of ["resources", "data-sources"]) {
    for (const type of readdirSync(path.join(EXAMPLES_DIR, kind))) {
      const file = path.join(EXAMPLES_DIR, kind, type, kind === "resources" ? "resource.tf" : "data-source.tf");
      assert.ok(existsSync(file), `${file} is missing`);
      copyFileSync(file, path.join(config, `${kind}-${type}.tf`));
    }
  }
  for (const args of [["init", "-input=false"], ["validate"]]) {
    const result = await terraform([...args, "-no-color"], { cwd: config, env: w.env });
    assert.equal(result.code, 0, `terraform ${args[0]}:\n${result.stdout}${result.stderr}`);
  }
});
