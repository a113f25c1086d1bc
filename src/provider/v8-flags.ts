// V8 settings of the provider process, set by each entry (main.ts, executable-main.ts) before the
// code cache is opened: V8 stamps cached code with its flags (cachedDataVersionTag), so they must be
// the same when a cache is written and when it is read.
import { setFlagsFromString } from "node:v8";

/**
 * Keeps WebAssembly on V8's baseline compiler (Liftoff). undici parses HTTP/1.1 with llhttp, built to
 * WebAssembly; once its parser function is hot, V8 recompiles it with the optimizing compiler on a
 * background thread, about 0.3–0.5 s of CPU and 40 MB in every provider process that talks to
 * Operations Center. An exiting Node.js process waits for V8's background tasks, so that compile
 * held each configured process 100–200 ms after Terraform's Shutdown (and took a core from
 * Terraform meanwhile). The baseline code parses a provider's responses as fast as it needs to.
 */
export function baselineWebAssembly(): void {
  // Both flags: with dynamic tiering alone turned off, V8 compiles every function optimized at once.
  setFlagsFromString("--no-wasm-dynamic-tiering --no-wasm-tier-up");
}
