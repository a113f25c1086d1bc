// zod schemas of the official spec's response shapes (spec-definitions.ts), and the documents the
// local Operations Center builds from them.
//
// A schema requires every property its definition lists and no other: the real server encodes
// Go structs, whose fields are all emitted (even when empty) and nothing else, so a document
// missing one or carrying another is a bug here. `complete` fills
// what the model does not set with the JSON of a Go zero value ("" / 0 / false / [] / {}), so a
// document has every property without each route spelling out the empty parts.

import { z } from "zod";
import { specDefinitions, specResponses, type SpecType } from "./spec-definitions.js";

const cache = new Map<string, z.ZodType>();

function build(type: SpecType): z.ZodType {
  if (type === "s") return z.string();
  if (type === "i") return z.number().int();
  if (type === "n") return z.number();
  if (type === "b") return z.boolean();
  if (type === "obj") return z.record(z.string(), z.unknown());
  if (type === "any") return z.unknown();
  if ("r" in type) return definitionSchema(type.r);
  if ("a" in type) return z.array(build(type.a));
  if ("m" in type) return z.record(z.string(), build(type.m));
  return z.strictObject(Object.fromEntries(Object.entries(type.o).map(([key, t]) => [key, build(t)])));
}

function definition(name: string): SpecType {
  const type = specDefinitions[name];
  if (type === undefined) throw new Error(`spec-shapes: no definition ${JSON.stringify(name)} in the spec`);
  return type;
}

/** The schema of a spec definition (e.g. "Server"). */
function definitionSchema(name: string): z.ZodType {
  let schema = cache.get(name);
  if (schema === undefined) {
    // Definitions refer to each other (and Incus' types to themselves): resolved on first use.
    schema = z.lazy(() => build(definition(name)));
    cache.set(name, schema);
  }
  return schema;
}

/** The schema of a response's metadata (e.g. "ServersResponse"); undefined when the spec declares none. */
export function responseMetadataSchema(response: string): z.ZodType | undefined {
  const type = specResponses[response];
  return type === undefined || type === null ? undefined : build(type);
}

function zero(type: SpecType, depth: number): unknown {
  if (type === "s") return "";
  if (type === "i" || type === "n") return 0;
  if (type === "b") return false;
  if (type === "obj") return {};
  if (type === "any") return null;
  if ("r" in type) return zero(definition(type.r), depth);
  if ("a" in type) return [];
  if ("m" in type) return {};
  // Self-referencing Incus types end in an empty object rather than recursing forever.
  if (depth > 12) return {};
  return Object.fromEntries(properties(type.o).map(([key, t]) => [key, zero(t, depth + 1)]));
}

// The property list of each object type, made once: documents are completed on every GET.
const propertyLists = new WeakMap<Record<string, SpecType>, Array<[string, SpecType]>>();

function properties(object: Record<string, SpecType>): Array<[string, SpecType]> {
  let list = propertyLists.get(object);
  if (list === undefined) {
    list = Object.entries(object);
    propertyLists.set(object, list);
  }
  return list;
}

function fill(type: SpecType, value: unknown, depth: number): unknown {
  if (value === undefined) return zero(type, depth);
  if (value === null || typeof value !== "object" || typeof type === "string") return value;
  if ("r" in type) return fill(definition(type.r), value, depth);
  if ("a" in type) return Array.isArray(value) ? value.map((item) => fill(type.a, item, depth + 1)) : value;
  if (Array.isArray(value)) return value;
  const record = value as Record<string, unknown>;
  if ("m" in type) return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, fill(type.m, v, depth + 1)]));
  const out: Record<string, unknown> = {};
  for (const [key, t] of properties(type.o)) out[key] = fill(t, record[key], depth + 1);
  for (const key of Object.keys(record)) if (!(key in out)) out[key] = record[key];
  return out;
}

/**
 * `value` with every property of the definition present: what it sets is kept (nested objects
 * completed too, an explicit null stays null as a nil Go slice does), the rest is the zero value.
 */
export function complete(name: string, value: unknown): Record<string, unknown> {
  return fill(definition(name), value, 0) as Record<string, unknown>;
}
