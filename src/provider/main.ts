// The process Terraform starts (through the launcher). Only the plugin layer loads before the
// handshake; the provider's own modules load after it (see ProviderDefinition.load).
import { serve } from "./plugin/serve.js";

await serve({ load: async () => (await import("./provider.js")).provider }, { name: "operationscenter" });
