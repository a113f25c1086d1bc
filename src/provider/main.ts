// The process Terraform starts (through the launcher).
import { definition, serveOptions } from "./definition.js";
import { serve } from "./plugin/serve.js";

await serve(definition, serveOptions);
