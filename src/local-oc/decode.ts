// Request body decoding with the leniency and the error texts of Go's encoding/json, which
// Operations Center uses (json.NewDecoder(r.Body).Decode(&x)): unknown keys are ignored, null
// leaves the zero value, a wrong JSON type is an error naming the Go struct field, and an
// empty body is "EOF". The caller wraps the message with BadRequest ("Bad Request: ...").

import { badRequest } from "./errors.js";

export type FieldType =
  | "string"
  | "bool"
  | "int"
  | "[]string"
  | "[]int"
  | "object"
  | "configmap"
  | "any"
  | { struct: string; goType: string; fields: Record<string, FieldType> }
  | { list: FieldType; goType: string }
  | { enum: readonly string[]; goType: string; invalid: (value: string) => string };

export interface StructSpec {
  /** Go type name as json errors print it, e.g. "ClusterPost". */
  name: string;
  /** Go type as a whole-value error prints it, e.g. "api.ClusterPost". */
  goType: string;
  fields: Record<string, FieldType>;
}

export class DecodeError extends Error {}

function jsonKind(v: unknown): string {
  if (typeof v === "string") return "string";
  if (typeof v === "number") return "number";
  if (typeof v === "boolean") return "bool";
  if (Array.isArray(v)) return "array";
  return "object";
}

function goTypeOf(t: FieldType): string {
  if (typeof t === "string") {
    return t === "object" || t === "any" ? "map[string]interface {}" : t === "configmap" ? "api.ConfigMap" : t;
  }
  return t.goType;
}

/** Parses a JSON body like json.Decoder.Decode does (first value only, Go error texts). */
export function parseJsonBody(body: string): unknown {
  const trimmed = body.trim();
  if (trimmed === "") throw new DecodeError("EOF");
  try {
    return JSON.parse(trimmed);
  } catch (err) {
    const message = (err as Error).message;
    const first = trimmed[0]!;
    if (!/[{["\-0-9tfn]/.test(first)) {
      throw new DecodeError(`invalid character '${first}' looking for beginning of value`);
    }
    if (/end of JSON input|Unterminated/.test(message)) throw new DecodeError("unexpected EOF");
    const at = /position (\d+)/.exec(message);
    const c = at ? trimmed[Number(at[1])] : undefined;
    if (c !== undefined) {
      // json.Decoder stops after the first complete value: trailing data is not an error there.
      if (Number(at![1]) > 0 && isCompleteValue(trimmed.slice(0, Number(at![1])))) {
        return JSON.parse(trimmed.slice(0, Number(at![1])));
      }
      throw new DecodeError(`invalid character '${c}' after object key:value pair`);
    }
    throw new DecodeError(message);
  }
}

function isCompleteValue(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function checkValue(value: unknown, type: FieldType, path: string, struct: string): unknown {
  if (value === null || value === undefined) return undefined;
  const fail = (): never => {
    throw new DecodeError(`json: cannot unmarshal ${jsonKind(value)} into Go struct field ${struct}.${path} of type ${goTypeOf(type)}`);
  };
  if (typeof type === "string") {
    switch (type) {
      case "string":
        return typeof value === "string" ? value : fail();
      case "bool":
        return typeof value === "boolean" ? value : fail();
      case "int":
        if (typeof value !== "number") return fail();
        if (!Number.isInteger(value)) {
          throw new DecodeError(`json: cannot unmarshal number ${value} into Go struct field ${struct}.${path} of type int`);
        }
        return value;
      case "[]string":
        if (!Array.isArray(value)) return fail();
        return value.map((v) => checkValue(v, "string", path, struct) ?? "");
      case "[]int":
        if (!Array.isArray(value)) return fail();
        return value.map((v) => checkValue(v, "int", path, struct) ?? 0);
      case "object":
        return typeof value === "object" && !Array.isArray(value) ? value : fail();
      case "configmap": {
        if (typeof value !== "object" || Array.isArray(value)) return fail();
        const out: Record<string, string> = {};
        for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
          if (v === null) out[k] = "";
          else if (typeof v === "string") out[k] = v;
          else if (typeof v === "number" || typeof v === "boolean") out[k] = String(v);
          else throw new DecodeError(`Invalid value for key "${k}", only string, number, bool and null are supported`);
        }
        return out;
      }
      case "any":
        return value;
    }
  }
  if ("struct" in type) {
    if (typeof value !== "object" || Array.isArray(value)) return fail();
    return decodeFields(value as Record<string, unknown>, type.fields, type.struct);
  }
  if ("list" in type) {
    if (!Array.isArray(value)) return fail();
    return value.map((v) => checkValue(v, type.list, path, struct));
  }
  if (typeof value !== "string") return fail();
  if (value !== "" && !type.enum.includes(value)) throw new DecodeError(type.invalid(value));
  return value;
}

function decodeFields(obj: Record<string, unknown>, fields: Record<string, FieldType>, struct: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, type] of Object.entries(fields)) {
    // encoding/json matches keys case-insensitively; the exact key wins.
    const actual = Object.hasOwn(obj, key) ? key : Object.keys(obj).find((k) => k.toLowerCase() === key.toLowerCase());
    if (actual === undefined) continue;
    const v = checkValue(obj[actual], type, key, struct);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

/**
 * Decodes `body` into the fields of `spec`. Absent and null fields are left out of the result
 * (the caller applies Go's zero values); unknown keys are dropped.
 */
export function decodeBody(body: string, spec: StructSpec): Record<string, unknown> {
  const value = parseJsonBody(body);
  if (value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new DecodeError(`json: cannot unmarshal ${jsonKind(value)} into Go value of type ${spec.goType}`);
  }
  return decodeFields(value as Record<string, unknown>, spec.fields, spec.name);
}

/** Decodes a json.RawMessage argument (json.Unmarshal: the whole text must be one value). */
export function decodeRaw(raw: unknown, spec: StructSpec): Record<string, unknown> {
  if (raw === null || raw === undefined) return {};
  if (typeof raw !== "object" || Array.isArray(raw)) {
    throw new DecodeError(`json: cannot unmarshal ${jsonKind(raw)} into Go value of type ${spec.goType}`);
  }
  return decodeFields(raw as Record<string, unknown>, spec.fields, spec.name);
}

/** json.NewDecoder(r.Body).Decode into a struct: an object, or a 400 with the decoder's text. */
export function decodeObject(body: string, prefix = ""): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (err) {
    const text = body.trim() === "" ? "EOF" : (err as Error).message;
    throw badRequest(prefix === "" ? text : `${prefix}: ${text}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    throw badRequest(
      `${prefix === "" ? "" : `${prefix}: `}json: cannot unmarshal ${Array.isArray(parsed) ? "array" : typeof parsed} into Go value of type object`,
    );
  return parsed as Record<string, unknown>;
}

const UUID = /^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/;

/** uuid.Parse: 400 "invalid UUID length: N" or "invalid UUID format", after `prefix`. */
export function parseUUID(value: string, prefix = ""): string {
  if (![32, 36, 38, 45].includes(value.length)) throw badRequest(`${prefix}invalid UUID length: ${value.length}`);
  const bare = value.replace(/^urn:uuid:/, "").replace(/^\{(.*)\}$/, "$1");
  if (!UUID.test(bare)) throw badRequest(`${prefix}invalid UUID format`);
  const hex = bare.replaceAll("-", "").toLowerCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Go's `v, _ := strconv.ParseBool(s)`: true for 1, t, T, TRUE, true, True; false for anything else. */
export function goParseBool(value: string | null): boolean {
  return value !== null && ["1", "t", "T", "TRUE", "true", "True"].includes(value);
}
