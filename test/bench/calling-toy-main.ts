// The calling floor's plugin entry (calling-toy.ts), as Terraform starts it through a launcher script.
import { serve } from "../../src/provider/plugin/serve.js";
import type { CallingClient } from "./calling-toy.js";

await serve<CallingClient>({ load: async () => (await import("./calling-toy.js")).callingToyProvider }, { name: "callstoy" });
