// The provider as one executable (Node's single executable application, built by
// scripts/build-executables.ts): the same process as main.ts, bundled into one CommonJS file,
// which is what a single executable runs. A failure to serve ends the process as in main.ts.
import { definition, serveOptions } from "./definition.js";
import { serve } from "./plugin/serve.js";

void serve(definition, serveOptions);
