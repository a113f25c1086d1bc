// The provider as one executable (Node.js's single executable application, built by
// scripts/executables.ts): the same chunks the launcher's entry runs (serve-main.ts, split as
// scripts/bundle-provider.ts splits it), carried as the executable's assets and run through the
// same code cache (code-cache.ts). Asset names use "/" on every platform.
import { createRequire } from "node:module";
import * as path from "node:path";
import { getAsset } from "node:sea";
import { runCached } from "./code-cache.js";
import { setV8Flags } from "./v8-flags.js";

const builtins = createRequire(process.execPath);
setV8Flags(builtins);

runCached("process/serve-main.cjs", {
  read: (name) => Buffer.from(getAsset(name)),
  resolve: (from, id) => path.posix.join(path.posix.dirname(from), id),
  require: builtins,
});
