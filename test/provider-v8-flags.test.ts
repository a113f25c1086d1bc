// The provider process sets V8 flags (src/provider/v8-flags.ts), after which V8 rejects the code
// Node.js caches for its own modules: each one loaded later is compiled from source, 20–30 ms of
// CPU in every one of Terraform's provider starts. Through a whole apply and destroy of a cluster
// and a template (every start Terraform makes: schema, validate, plan, apply, and HTTP to the
// local OC), no provider process loads a Node.js module after its flags are set.
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "node:test";
import { z } from "zod";
import { startE2E } from "./e2e/harness.js";
import { A_BASE } from "./e2e/scenario.js";

const HOOK = fileURLToPath(new URL("./fixtures/provider/builtins-after-flags.js", import.meta.url));
const reportSchema = z.object({ flagsSet: z.boolean(), after: z.array(z.string()) });

test("no provider process of an apply and a destroy loads a Node.js module after setting its V8 flags", async (t) => {
  const e2e = await startE2E({});
  const reports = mkdtempSync(path.join(tmpdir(), "builtins-after-flags-"));
  t.after(async () => {
    await e2e.close();
    rmSync(reports, { recursive: true, force: true });
  });
  e2e.env.NODE_OPTIONS = `--import ${HOOK}`;
  e2e.env.BUILTINS_AFTER_FLAGS_DIR = reports;
  // A code cache of its own: no directory of another build to prune (a recursive remove, done once).
  e2e.env.XDG_CACHE_HOME = path.join(reports, "cache");
  e2e.synth({ a: A_BASE });
  await e2e.initAndApply();
  assert.deepEqual(
    e2e.oc.snapshot().clusters.map((c) => c.name),
    ["cluster-a"],
  );
  const destroyed = await e2e.destroy();
  assert.equal(destroyed.code, 0, destroyed.output);

  const processes = readdirSync(reports)
    .filter((file) => file.endsWith(".json"))
    .map((file) => ({ file, ...reportSchema.parse(JSON.parse(readFileSync(path.join(reports, file), "utf8"))) }));
  // init (schema), apply (schema, validate, plan, apply), destroy (validate, plan, apply).
  assert.ok(processes.length >= 8, `${processes.length} provider processes reported`);
  assert.deepEqual(
    processes.filter((p) => !p.flagsSet || p.after.length > 0),
    [],
  );
});
