// The provider process proper, split into CommonJS chunks (scripts/bundle-provider.ts) that the
// launcher's entry (main.ts) runs from files and the single executable (executable-main.ts) from
// its assets, both through the code cache (code-cache.ts). A failure to serve ends the process (an
// unhandled rejection).
import { definition, serveOptions } from "./definition.js";
import { serve } from "./plugin/serve.js";

void serve(definition, serveOptions);
