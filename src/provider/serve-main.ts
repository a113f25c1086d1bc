// The provider process proper. The launcher's entry (main.ts) loads it as CommonJS chunks through
// the code cache (code-cache.ts); the single executable (scripts/executables.ts) runs it bundled
// into one file. A failure to serve ends the process (an unhandled rejection).
import { definition, serveOptions } from "./definition.js";
import { serve } from "./plugin/serve.js";

void serve(definition, serveOptions);
