// The local Operations Center over raw HTTPS, its own OS view (/os/1.0): it does not run on
// IncusOS, and says so.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { testHarness } from "./fixtures/local-oc/helpers.js";

describe("local OC: the OS view", () => {
  const h = testHarness({ servers: 1 });

  it("answers a JSON 400: Operations Center here does not run on IncusOS", async () => {
    const r = await h.call("GET", "/os/1.0/applications");
    assert.equal(r.status, 400);
    assert.equal(r.json!.error, "Bad Request: System isn't running IncusOS");
  });
});
