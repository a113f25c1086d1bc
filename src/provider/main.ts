// The process Terraform starts (through the launcher). Only the plugin layer loads before the
// handshake; the provider's own modules load after it (see ProviderDefinition).
import { unsupportedNode } from "./node-version.js";
import { serve } from "./plugin/serve.js";

// Said before anything loads that an old Node cannot run (on Node 18, undici fails with
// "File is not defined"). On stdout: Terraform shows a plugin's first stdout line when it is no
// handshake ("Unrecognized remote plugin message: ..."), and never shows its stderr.
const tooOld = unsupportedNode("The Operations Center Terraform provider (cdktf-operations-center)");
if (tooOld !== undefined) {
  process.stdout.write(tooOld);
  process.exit(1);
}

await serve(
  {
    load: async () => (await import("./provider.js")).provider,
    schemas: async () => (await import("./schemas.js")).schemas,
  },
  { name: "operationscenter" },
);
