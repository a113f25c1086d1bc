// DynamicValue <-> Value, directed by the cty type (Terraform's object wire format): msgpack
// both ways, JSON for decoding (stored states reach UpgradeResourceState as JSON).
import { decodeMsgpack, encodeMsgpack, Extension, type Msgpack } from "./msgpack.js";
import type { CtyType, Value } from "../types.js";
import { UNKNOWN, Unknown } from "../types.js";
import { inferType, parseType, rememberType } from "./type.js";

// Extension 0 is an unknown; 12 an unknown with refinements (not null, string prefix, ...),
// which this layer does not use and reads as a plain unknown.
const UNKNOWN_EXTENSION = 0;
const REFINED_UNKNOWN_EXTENSION = 12;
const utf8 = new TextDecoder();

function describe(raw: unknown): string {
  if (raw === null) return "null";
  if (Array.isArray(raw)) return "an array";
  if (raw instanceof Uint8Array) return "bytes";
  return typeof raw === "object" ? "a map" : `a ${typeof raw}`;
}

function mismatch(path: string, type: CtyType, raw: unknown): Error {
  return new Error(`${path || "value"}: expected ${JSON.stringify(type)}, got ${describe(raw)}`);
}

function isRecord(raw: unknown): raw is Record<string, unknown> {
  return typeof raw === "object" && raw !== null && !Array.isArray(raw) && !(raw instanceof Uint8Array);
}

function at(path: string, step: string | number): string {
  return typeof step === "number" ? `${path}[${step}]` : path === "" ? step : `${path}.${step}`;
}

function numberFrom(raw: unknown, path: string): number {
  if (typeof raw === "number") return raw;
  if (typeof raw === "bigint") return Number(raw);
  // Numbers that fit neither int64 nor float64 exactly travel as decimal strings.
  if (typeof raw === "string" && raw.trim() !== "" && !Number.isNaN(Number(raw))) return Number(raw);
  throw mismatch(path, "number", raw);
}

/** Shared walk of msgpack and JSON decoding: they differ only in unknowns and dynamic values. */
interface Wire {
  unknown(raw: unknown, path: string): boolean;
  dynamic(raw: unknown, path: string): { type: CtyType; raw: unknown };
}

function fromWire(raw: unknown, type: CtyType, path: string, wire: Wire): Value {
  if (wire.unknown(raw, path)) return UNKNOWN;
  if (raw === null || raw === undefined) return null;
  if (type === "dynamic") {
    const inner = wire.dynamic(raw, path);
    return rememberType(fromWire(inner.raw, inner.type, path, wire), inner.type);
  }
  if (type === "string") {
    if (typeof raw !== "string") throw mismatch(path, type, raw);
    return raw;
  }
  if (type === "number") return numberFrom(raw, path);
  if (type === "bool") {
    if (typeof raw !== "boolean") throw mismatch(path, type, raw);
    return raw;
  }
  const [kind, inner] = type;
  switch (kind) {
    case "list":
    case "set":
      if (!Array.isArray(raw)) throw mismatch(path, type, raw);
      return raw.map((element, index) => fromWire(element, inner, at(path, index), wire));
    case "tuple":
      if (!Array.isArray(raw) || raw.length !== inner.length) throw mismatch(path, type, raw);
      return raw.map((element, index) => fromWire(element, inner[index]!, at(path, index), wire));
    case "map": {
      if (!isRecord(raw)) throw mismatch(path, type, raw);
      const out: Record<string, Value> = {};
      for (const [key, element] of Object.entries(raw)) out[key] = fromWire(element, inner, at(path, key), wire);
      return out;
    }
    case "object": {
      if (!isRecord(raw)) throw mismatch(path, type, raw);
      const out: Record<string, Value> = {};
      for (const [name, attributeType] of Object.entries(inner)) out[name] = fromWire(raw[name] ?? null, attributeType, at(path, name), wire);
      return out;
    }
  }
}

const msgpackWire: Wire = {
  unknown(raw, path) {
    if (!(raw instanceof Extension)) return false;
    if (raw.type === UNKNOWN_EXTENSION || raw.type === REFINED_UNKNOWN_EXTENSION) return true;
    throw new Error(`${path || "value"}: unexpected msgpack extension type ${raw.type}`);
  },
  dynamic(raw, path) {
    if (!Array.isArray(raw) || raw.length !== 2) throw new Error(`${path || "value"}: a dynamic value must be [type, value]`);
    const [typeJson, value] = raw as [unknown, unknown];
    const text = typeJson instanceof Uint8Array ? utf8.decode(typeJson) : typeof typeJson === "string" ? typeJson : undefined;
    if (text === undefined) throw new Error(`${path || "value"}: a dynamic value's type must be JSON bytes`);
    return { type: parseType(JSON.parse(text), path || "value"), raw: value };
  },
};

const jsonWire: Wire = {
  unknown: () => false,
  dynamic(raw, path) {
    if (!isRecord(raw) || !("type" in raw)) throw new Error(`${path || "value"}: a dynamic JSON value must be {"value": …, "type": …}`);
    return { type: parseType(raw["type"], path || "value"), raw: raw["value"] };
  },
};

export function fromMsgpack(bytes: Uint8Array, type: CtyType): Value {
  return fromWire(decodeMsgpack(bytes), type, "", msgpackWire);
}

export function fromJson(bytes: Uint8Array, type: CtyType): Value {
  return fromWire(JSON.parse(utf8.decode(bytes)) as unknown, type, "", jsonWire);
}

const utf8Out = new TextEncoder();

function toWire(value: Value, type: CtyType, path: string): Msgpack {
  if (value instanceof Unknown) return new Extension(UNKNOWN_EXTENSION, Uint8Array.of(0));
  if (value === null) return null;
  if (type === "dynamic") {
    const actual = inferType(value);
    return [utf8Out.encode(JSON.stringify(actual)), toWire(value, actual, path)];
  }
  if (type === "string" || type === "number" || type === "bool") {
    const expected = type === "bool" ? "boolean" : type;
    if (typeof value !== expected) throw mismatch(path, type, value);
    return value as string | number | boolean;
  }
  const [kind, inner] = type;
  switch (kind) {
    case "list":
    case "set":
      if (!Array.isArray(value)) throw mismatch(path, type, value);
      return value.map((element, index) => toWire(element, inner, at(path, index)));
    case "tuple":
      if (!Array.isArray(value) || value.length !== inner.length) throw mismatch(path, type, value);
      return value.map((element, index) => toWire(element, inner[index]!, at(path, index)));
    case "map": {
      if (!isRecord(value)) throw mismatch(path, type, value);
      const out: { [key: string]: Msgpack } = {};
      for (const [key, element] of Object.entries(value)) out[key] = toWire(element, inner, at(path, key));
      return out;
    }
    case "object": {
      if (!isRecord(value)) throw mismatch(path, type, value);
      const known = new Set(Object.keys(inner));
      const extra = Object.keys(value).find((name) => !known.has(name));
      if (extra !== undefined) throw new Error(`${at(path, extra)}: not an attribute of the schema`);
      // Every attribute travels, null when unset: Terraform rejects objects with missing ones.
      const out: { [key: string]: Msgpack } = {};
      for (const [name, attributeType] of Object.entries(inner)) out[name] = toWire(value[name] ?? null, attributeType, at(path, name));
      return out;
    }
  }
}

export function toMsgpack(value: Value, type: CtyType): Uint8Array {
  return encodeMsgpack(toWire(value, type, ""));
}
