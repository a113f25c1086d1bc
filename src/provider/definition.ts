// What the provider process serves (serve-main.ts), in both its forms: the chunks the launcher's
// entry runs with node (main.ts) and the single executable. Only the plugin layer
// loads before the handshake; the provider's own modules load after it (see ProviderDefinition).
import type { ServeOptions } from "./plugin/serve.js";

export const definition = {
  load: async () => {
    // zod writes and compiles a parser (new Function) for each object schema at its first parse,
    // which pays off over many parses; a provider process parses each shape a few times, so it
    // parses without (the same checks, interpreted).
    (await import("zod")).config({ jitless: true });
    return (await import("./provider.js")).provider;
  },
  schemas: async () => (await import("./schemas.js")).schemas,
};

export const serveOptions: ServeOptions = { name: "operationscenter" };
