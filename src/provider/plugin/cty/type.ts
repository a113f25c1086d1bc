// cty types as Terraform writes them in JSON, parsed back into the contract's CtyType.
import type { CtyType, Value } from "../types.js";
import { Unknown } from "../types.js";

const PRIMITIVES = new Set(["string", "number", "bool", "dynamic"]);

/** Parses a cty JSON type (as found in a dynamic value's wire form). */
export function parseType(json: unknown, where: string): CtyType {
  if (typeof json === "string" && PRIMITIVES.has(json)) return json as CtyType;
  if (Array.isArray(json) && json.length === 2) {
    const [kind, inner] = json as [unknown, unknown];
    if (kind === "list" || kind === "set" || kind === "map") return [kind, parseType(inner, where)];
    if (kind === "object" && typeof inner === "object" && inner !== null && !Array.isArray(inner)) {
      const attributes: Record<string, CtyType> = {};
      for (const [name, type] of Object.entries(inner)) attributes[name] = parseType(type, where);
      return ["object", attributes];
    }
    if (kind === "tuple" && Array.isArray(inner)) return ["tuple", inner.map((element) => parseType(element, where))];
  }
  throw new Error(`${where}: unrecognised cty type ${JSON.stringify(json)}`);
}

/**
 * The type a dynamic attribute's plain value travels as when the provider made it up: arrays
 * become tuples and objects become objects (a value Terraform sent keeps its own type; see
 * rememberType).
 */
export function inferType(value: Value): CtyType {
  if (value === null || value instanceof Unknown) return "dynamic";
  if (typeof value === "string") return "string";
  if (typeof value === "number") return "number";
  if (typeof value === "boolean") return "bool";
  const remembered = typeOfDecoded(value);
  if (remembered !== undefined) return remembered;
  if (Array.isArray(value)) return ["tuple", value.map(inferType)];
  const attributes: Record<string, CtyType> = {};
  for (const [name, element] of Object.entries(value)) attributes[name] = inferType(element);
  return ["object", attributes];
}

// The type Terraform gave each array or object decoded from a dynamic value, so that handing the
// same value back (as most plans do) returns it with that type, e.g. a list and not a tuple.
const decodedTypes = new WeakMap<object, CtyType>();

export function rememberType(value: Value, type: CtyType): Value {
  if (typeof value === "object" && value !== null && !(value instanceof Unknown)) decodedTypes.set(value, type);
  return value;
}

function typeOfDecoded(value: object): CtyType | undefined {
  return decodedTypes.get(value);
}
