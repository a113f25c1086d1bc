// The process Terraform starts (through the launcher): the provider process proper (serve-main.ts)
// is a set of CommonJS chunks beside this file (scripts/bundle-provider.ts), run with V8's code
// cache (code-cache.ts). Only the plugin layer loads before the handshake; the provider's own
// modules load after it (see definition.ts).
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { runCached } from "./code-cache.js";
import { unsupportedNode } from "./node-version.js";
import { setV8Flags } from "./v8-flags.js";

// Said before anything loads that an old Node cannot run (on Node 18, undici fails with
// "File is not defined"). On stdout: Terraform shows a plugin's first stdout line when it is no
// handshake ("Unrecognized remote plugin message: ..."), and never shows its stderr.
const tooOld = unsupportedNode("The Operations Center Terraform provider (cdktf-operations-center)");
if (tooOld !== undefined) {
  process.stdout.write(tooOld);
  process.exit(1);
}

setV8Flags(createRequire(import.meta.url));
// The entry chunk, where scripts/bundle-provider.ts puts it beside this file once bundled.
runCached(fileURLToPath(new URL("process/serve-main.cjs", import.meta.url)));
