// What the provider process serves (serve-main.ts), in both its forms: the chunks the launcher's
// entry runs with node (main.ts) and the single executable. Only the plugin layer
// loads before the handshake; the provider's own modules load after it (see ProviderDefinition).
import type { ServeOptions } from "./plugin/serve.js";

export const definition = {
  load: async () => (await import("./provider.js")).provider,
  schemas: async () => (await import("./schemas.js")).schemas,
};

export const serveOptions: ServeOptions = { name: "operationscenter" };
