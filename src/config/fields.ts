// Schema building blocks shared by every schema in this directory, whose error messages say what
// would be valid (and never echo a secret).
import { X509Certificate, createPrivateKey } from "node:crypto";
import { isIP } from "node:net";
import { z } from "zod";
import { describeValue, didYouMean, expectedMessage } from "./errors.js";
import { type ConfigMeta, alternatives, configMeta } from "./problems.js";

type RawIssue = { input?: unknown };

/** A strict object (unknown keys are errors) carrying its wording; `check` adds cross-field rules. */
export function strictObject<Shape extends z.core.$ZodLooseShape>(
  shape: Shape,
  meta: ConfigMeta = {},
  check?: (value: z.output<z.ZodObject<Shape, z.core.$strict>>, ctx: z.RefinementCtx) => void,
): z.ZodObject<Shape, z.core.$strict> {
  const base = z.strictObject(shape);
  const schema = check === undefined ? base : base.superRefine(check);
  configMeta.add(schema, meta);
  return schema;
}

/** true or false; `whenMissing` explains what an omitted value would mean. */
export function bool(whenMissing?: string): z.ZodBoolean {
  return z.boolean({
    error: (iss: RawIssue) => {
      if (iss.input === undefined && whenMissing !== undefined) return `missing; expected true or false (${whenMissing})`;
      const quoted = typeof iss.input === "string" && /^(true|false|yes|no|on|off|y|n)$/i.test(iss.input);
      return `${expectedMessage("true or false", iss.input)}${quoted ? "; write true or false without quotes" : ""}`;
    },
  });
}

export function text(what = "a string"): z.ZodString {
  return z.string({ error: (iss: RawIssue) => expectedMessage(what, iss.input) });
}

export function nonEmptyText(what: string): z.ZodString {
  return z.string({ error: (iss: RawIssue) => expectedMessage(what, iss.input) }).min(1, { error: `must not be empty; expected ${what}` });
}

/** A string matching `pattern`; `hint` may add advice for a specific wrong input (e.g. a did-you-mean). */
export function matching(pattern: RegExp, what: string, hint?: (input: string) => string): z.ZodString {
  const error = (iss: RawIssue): string => `${expectedMessage(what, iss.input)}${typeof iss.input === "string" && hint !== undefined ? hint(iss.input) : ""}`;
  return z.string({ error }).regex(pattern, { error });
}

/** An integer in [min, max]; one message for every way of being wrong. */
export function intInRange(min: number, max: number, what = `an integer from ${min} to ${max}`): z.ZodNumber {
  const error = (iss: RawIssue): string => expectedMessage(what, iss.input);
  return z.int({ error }).min(min, { error }).max(max, { error });
}

export function oneOf<const T extends readonly [string, ...string[]]>(values: T, what?: string): z.ZodEnum<{ [K in T[number]]: K }> {
  const valid = [...values];
  return z.enum(values, {
    error: (iss: RawIssue) => `${expectedMessage(what ?? alternatives(valid), iss.input)}${didYouMean(iss.input, valid)}`,
  });
}

/** A union whose branch is picked from the input (e.g. by a key that is present), so a user sees only that branch's problems. */
export function choice<const T extends readonly [z.ZodType, ...z.ZodType[]]>(options: T, pick: (input: unknown) => number, expected?: string): z.ZodUnion<T> {
  const schema = z.union(options);
  configMeta.add(schema, expected === undefined ? { pick } : { pick, expected });
  return schema;
}

/** A list without repeated entries, compared by their JSON form; a repeat is reported at its own index. */
export function uniqueList<T extends z.ZodType>(item: T, what: string, options: { nonEmpty?: boolean } = {}): z.ZodArray<T> {
  const base = options.nonEmpty === true ? z.array(item).min(1, { error: `expected at least one ${what}, got an empty list` }) : z.array(item);
  const schema = base.superRefine((list, ctx) => {
    const seen = new Map<string, number>();
    list.forEach((entry, index) => {
      const id = JSON.stringify(entry);
      const first = seen.get(id);
      const shown = typeof entry === "object" ? "" : ` ${String(entry)}`;
      if (first === undefined) seen.set(id, index);
      else ctx.addIssue({ code: "custom", path: [index], input: entry, message: `duplicate ${what}${shown} (same as entry ${first})` });
    });
  });
  configMeta.add(schema, { expected: `a list of ${what}s` });
  return schema;
}

/** A string that passes `test`; `hint` may add advice for a specific wrong input. */
export function satisfying(test: (value: string) => boolean, what: string, hint?: (input: string) => string): z.ZodString {
  const error = (iss: RawIssue): string => `${expectedMessage(what, iss.input)}${typeof iss.input === "string" && hint !== undefined ? hint(iss.input) : ""}`;
  return z.string({ error }).refine(test, { error });
}

const hostnamePattern = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

/** An IPv4/IPv6 address or a DNS name (a dotted number that is no IPv4 address is neither). */
export function isHost(value: string): boolean {
  if (isIP(value) !== 0) return true;
  return hostnamePattern.test(value) && !/^[0-9.]+$/.test(value);
}

/** Advice for an address written with a port or brackets where a bare host is expected. */
export function bareHostHint(input: string): string {
  if (/^\[.*\]$/.test(input)) return "; write an IPv6 address without brackets";
  if (input.includes(":") && isIP(input) === 0) return "; give the port in its own field, not in the address";
  return "";
}

/** `host:port` as Go's net.SplitHostPort reads it (IPv6 in brackets), with a port from 1 to 65535. */
export function isHostPort(value: string): boolean {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(value);
  if (m === null) return false;
  const host = m[1] ?? m[2]!;
  const port = Number(m[3]);
  return port >= 1 && port <= 65535 && (m[1] !== undefined ? isIP(host) === 6 : isHost(host));
}

export function isCidr(value: string): boolean {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(value);
  if (m === null) return false;
  const family = isIP(m[1]!);
  const prefix = Number(m[2]);
  return family !== 0 && prefix <= (family === 4 ? 32 : 128);
}

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === "https:" || url.protocol === "http:") && url.hostname !== "";
  } catch {
    return false;
  }
}

/** A secret's value never appears in a message. */
function describeSecret(input: unknown): string {
  return typeof input === "string" ? "a value that is not (not shown: it is a secret)" : describeValue(input);
}

/** A string holding a secret: problems never echo it. */
export function secretText(what: string, test: (value: string) => boolean = () => true): z.ZodString {
  const error = (iss: RawIssue): string => (iss.input === undefined ? `missing; expected ${what}` : `expected ${what}, got ${describeSecret(iss.input)}`);
  return z.string({ error }).refine(test, { error });
}

function isCertificate(value: string): boolean {
  try {
    new X509Certificate(value);
    return true;
  } catch {
    return false;
  }
}

/** A PEM certificate or, as Incus also accepts, base64 of its DER form. */
function isCertificateOrDer(value: string): boolean {
  if (isCertificate(value)) return true;
  const compact = value.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) return false;
  try {
    new X509Certificate(Buffer.from(compact, "base64"));
    return true;
  } catch {
    return false;
  }
}

/**
 * A certificate, parsed for real so that a documentation placeholder (`...`) or a truncated paste
 * is caught before the server sees it; `der` also accepts base64 of the DER form, as Incus does.
 */
export function certificateText(options: { der?: boolean } = {}): z.ZodString {
  const what = `a PEM certificate (-----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----)${options.der === true ? " or its base64 DER form" : ""}`;
  const error = (iss: RawIssue): string => {
    if (typeof iss.input !== "string" || !iss.input.includes("-----BEGIN")) return expectedMessage(what, iss.input);
    const placeholder = /^\s*\.\.\.\s*$/m.test(iss.input);
    return `expected ${what}, got a PEM block that does not parse as a certificate${placeholder ? ' (it holds the placeholder "..." instead of the base64 lines)' : ""}`;
  };
  const valid = options.der === true ? isCertificateOrDer : isCertificate;
  // "" means "none", as for every optional string IncusOS and Incus read.
  return z.string({ error }).refine((v) => v === "" || valid(v), { error });
}

export function pemPrivateKey(what = "a PEM private key (-----BEGIN PRIVATE KEY----- ... -----END PRIVATE KEY-----)"): z.ZodString {
  return secretText(what, (value) => {
    if (value === "") return true;
    try {
      createPrivateKey(value);
      return true;
    } catch {
      return false;
    }
  });
}
