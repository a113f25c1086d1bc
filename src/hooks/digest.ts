import { createHash } from "node:crypto";
import { canonicalJson } from "../provider/canonical-json.js";

export { canonicalJson };

/** `sha256:<hex>` of a value's canonical JSON (strings are hashed as their text). */
export function digest(value: unknown): string {
  const text = typeof value === "string" ? value : canonicalJson(value);
  return `sha256:${createHash("sha256").update(text).digest("hex")}`;
}
