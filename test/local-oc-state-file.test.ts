// The local Operations Center's state file: a broken or foreign file is refused at start with the
// file, the field and what to do.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { startLocalOperationsCenter } from "../src/local-oc/index.js";
import { suiteTempDir } from "./fixtures/local-oc/helpers.js";

describe("local OC: the state file", () => {
  const dir = suiteTempDir("local-oc-state-");

  it("a file that is not JSON is reported with its path", async () => {
    const file = join(dir(), "garbled.json");
    writeFileSync(file, "{ not json");
    await assert.rejects(startLocalOperationsCenter({ statePath: file }), (err: Error) => {
      assert.match(err.message, new RegExp(`state file ${file.replaceAll("/", "\\/")}: .*delete it to start afresh`));
      return true;
    });
  });

  it("a field of the wrong type is reported with the file and the field", async () => {
    const file = join(dir(), "state.json");
    const oc = await startLocalOperationsCenter({ statePath: file, servers: 1 });
    await oc.close();
    const doc = JSON.parse(readFileSync(file, "utf8"));
    doc.servers[0].needs_update = "no";
    delete doc.clusters;
    writeFileSync(file, JSON.stringify(doc));
    await assert.rejects(startLocalOperationsCenter({ statePath: file }), (err: Error) => {
      assert.match(err.message, new RegExp(`^invalid local Operations Center state file ${file.replaceAll("/", "\\/")}:`));
      assert.match(err.message, /\n {2}servers\.0\.needs_update: .*boolean/);
      assert.match(err.message, /\n {2}clusters: /);
      assert.ok(!err.message.includes("PRIVATE KEY"), "the error does not print the TLS key");
      return true;
    });
  });

  it("another program's JSON is refused by its format", async () => {
    const file = join(dir(), "other.json");
    writeFileSync(file, JSON.stringify({ format: "something/2" }));
    await assert.rejects(startLocalOperationsCenter({ statePath: file }), /other\.json is not a local Operations Center state file \(format "something\/2"/);
  });
});
