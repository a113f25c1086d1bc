// The process Terraform starts (through the launcher). Only the plugin layer loads before the
// handshake; the provider's own modules load after it (see ProviderDefinition).
import { serve } from "./plugin/serve.js";

await serve(
  {
    load: async () => (await import("./provider.js")).provider,
    schemas: async () => (await import("./schemas.js")).schemas,
  },
  { name: "operationscenter" },
);
