// The contract between the plugin layer (which speaks Terraform's plugin protocol 6) and a
// provider built on it. Nothing here knows about Operations Center: a provider is a schema plus
// resources and data sources, each a small object of functions over plain JavaScript values.
import type { TerraformCommand } from "./terraform-command.js";

/**
 * A cty type, as Terraform writes it in JSON: "string", "number", "bool", "dynamic",
 * ["list", T], ["set", T], ["map", T], ["object", {name: T}] or ["tuple", [T…]].
 */
export type CtyType =
  | "string"
  | "number"
  | "bool"
  | "dynamic"
  | readonly ["list" | "set" | "map", CtyType]
  | readonly ["object", { readonly [name: string]: CtyType }]
  | readonly ["tuple", readonly CtyType[]];

/** A value Terraform has not decided yet ("known after apply"). */
export class Unknown {
  static readonly instance = new Unknown();
  private constructor() {}
}
export const UNKNOWN = Unknown.instance;

/**
 * A value as the plugin layer hands it over: cty null is `null`, lists, sets and tuples are
 * arrays, maps and objects are plain objects (every attribute of an object present, null when
 * unset), and unknown anywhere is `UNKNOWN`.
 */
export type Value = null | string | number | boolean | Unknown | Value[] | { [key: string]: Value };
export type ObjectValue = { [key: string]: Value };

/**
 * A nested attribute's objects (protocol 6): each has these attributes, with their own required,
 * optional and computed flags (an optional one left out of the configuration comes as null). The
 * value is one object ("single"), or a list, set or string-keyed map of them.
 */
export interface NestedAttributes {
  readonly nesting: "single" | "list" | "set" | "map";
  /** Not write-only: only top-level write-only attributes are kept out of plan and state. */
  readonly attributes: { readonly [name: string]: Attribute & { readonly writeOnly?: never } };
}

interface AttributeFlags {
  /** Markdown. Shown in the bindings' TSDoc and `terraform providers schema`. */
  readonly description: string;
  readonly required?: boolean;
  readonly optional?: boolean;
  readonly computed?: boolean;
  /** Redacted in plan output; still stored in state. */
  readonly sensitive?: boolean;
  /** Terraform >= 1.11: reaches the provider in config only, never stored in plan or state. */
  readonly writeOnly?: boolean;
  readonly deprecated?: boolean;
}

/** An attribute of a cty type, or a nested attribute: objects described attribute by attribute. */
export type Attribute = AttributeFlags & ({ readonly type: CtyType; readonly nested?: never } | { readonly nested: NestedAttributes; readonly type?: never });

export interface NestedBlock {
  readonly nesting: "single" | "list" | "set";
  readonly block: Block;
  readonly minItems?: number;
  readonly maxItems?: number;
}

export interface Block {
  /** Markdown. */
  readonly description?: string;
  readonly attributes: { readonly [name: string]: Attribute };
  readonly blocks?: { readonly [name: string]: NestedBlock };
}

export interface Schema {
  /** State schema version; bump with an upgradeState function. */
  readonly version: number;
  readonly block: Block;
}

/**
 * A path to an attribute, for diagnostics and requires_replace: a string step is an attribute
 * name, a number step an element index, `{ key }` a map element key.
 */
export type PathStep = string | number | { readonly key: string };
export type AttributePath = readonly PathStep[];

export interface Diagnostic {
  readonly severity: "error" | "warning";
  readonly summary: string;
  readonly detail?: string;
  readonly path?: AttributePath;
}

/** Thrown from any provider function; the plugin layer turns it into diagnostics. */
export class DiagnosticError extends Error {
  readonly diagnostics: readonly Diagnostic[];
  /** `cause`: the failure the diagnostics report, for callers that decide by its kind. */
  constructor(diagnostics: Diagnostic | readonly Diagnostic[], options?: { cause?: unknown }) {
    const list = Array.isArray(diagnostics) ? (diagnostics as readonly Diagnostic[]) : [diagnostics as Diagnostic];
    super(list.map((d) => d.summary).join("; "), options);
    this.name = "DiagnosticError";
    this.diagnostics = list;
  }
}

/** One line per API call, written at INFO to Terraform's provider log. Never pass a secret. */
export interface Logger {
  info(message: string, fields?: Record<string, string | number | boolean>): void;
  warn(message: string, fields?: Record<string, string | number | boolean>): void;
  debug(message: string, fields?: Record<string, string | number | boolean>): void;
}

export interface CallContext<Client> {
  /** What the provider's configure returned. */
  readonly client: Client;
  readonly log: Logger;
  /** Aborted on StopProvider, GRPCController.Shutdown and SIGTERM. */
  readonly signal: AbortSignal;
  /**
   * The Terraform command that started this provider, read from its command line when first
   * asked (see terraform-command.ts): a plan can tell the refresh plan of a destroy, which
   * Terraform sends as a normal plan, from any other. Absent where no Terraform runs the
   * resource (its unit tests): treat it as unknown.
   */
  readonly terraformCommand?: () => TerraformCommand;
}

export interface ClientCapabilities {
  /** Terraform >= 1.11 sends write-only attribute values in config. */
  readonly writeOnlyAttributesAllowed: boolean;
  readonly deferralAllowed: boolean;
}

export interface ValidateRequest<Client = never> {
  /** May hold UNKNOWN anywhere. */
  readonly config: ObjectValue;
  readonly capabilities: ClientCapabilities;
  /**
   * The Terraform command that started this provider (see CallContext). A destroy with an empty
   * state asks the provider nothing but its schema and validation, so only validate can speak then.
   */
  readonly terraformCommand?: () => TerraformCommand;
  /**
   * The client the provider's configure makes from the provider block this process validated
   * (Terraform validates the block before the resources that use it), made once and closed with
   * the process. Validation stays offline by Terraform's convention: only a check that nothing
   * else can make (the empty-state destroy above) may use it. Rejects when the block was not
   * validated here or configure refuses it (e.g. a value not known before apply).
   */
  readonly connect?: () => Promise<Client>;
}

export interface PlanRequest {
  /** Null when the resource is being created. */
  readonly prior: ObjectValue | null;
  /** Config merged with prior computed values; null when the resource is being destroyed. */
  readonly proposed: ObjectValue | null;
  /** The configuration as written (write-only values present here only); null on destroy. */
  readonly config: ObjectValue | null;
  readonly priorPrivate: Uint8Array;
  readonly capabilities: ClientCapabilities;
}

export interface PlanResult {
  /** Planned new state: UNKNOWN where apply decides; null when destroying. Write-only attributes null. */
  readonly planned: ObjectValue | null;
  readonly requiresReplace?: readonly AttributePath[];
  readonly plannedPrivate?: Uint8Array;
  readonly diagnostics?: readonly Diagnostic[];
}

export interface ApplyRequest {
  readonly prior: ObjectValue | null;
  /** Null means destroy. */
  readonly planned: ObjectValue | null;
  /** Null on destroy. */
  readonly config: ObjectValue | null;
  readonly plannedPrivate: Uint8Array;
}

export interface ApplyResult {
  /** Must agree with every known value of the planned state; null after a destroy. */
  readonly state: ObjectValue | null;
  readonly private?: Uint8Array;
  readonly diagnostics?: readonly Diagnostic[];
}

export interface ReadRequest {
  readonly state: ObjectValue;
  readonly private: Uint8Array;
}

export interface ReadResult {
  /** Null: the object is gone; Terraform drops it from state and plans a create. */
  readonly state: ObjectValue | null;
  readonly private?: Uint8Array;
  readonly diagnostics?: readonly Diagnostic[];
}

export interface ImportResult {
  /** Terraform calls read with this state next. */
  readonly state: ObjectValue;
  readonly private?: Uint8Array;
  readonly diagnostics?: readonly Diagnostic[];
}

/** A resource type: its schema and its lifecycle. */
export interface Resource<Client> {
  /** e.g. "operationscenter_cluster". */
  readonly typeName: string;
  readonly schema: Schema;
  validate?(request: ValidateRequest<Client>): readonly Diagnostic[] | Promise<readonly Diagnostic[]>;
  plan(request: PlanRequest, context: CallContext<Client>): Promise<PlanResult>;
  apply(request: ApplyRequest, context: CallContext<Client>): Promise<ApplyResult>;
  read(request: ReadRequest, context: CallContext<Client>): Promise<ReadResult>;
  /** `terraform import` / import blocks: the state for an id; Terraform calls read next. */
  import?(id: string, context: CallContext<Client>): Promise<ImportResult>;
  /** From an older schema version's state (JSON-decoded) to the current one. */
  upgradeState?(version: number, state: ObjectValue): ObjectValue;
}

export interface DataSource<Client> {
  readonly typeName: string;
  readonly schema: Schema;
  validate?(request: ValidateRequest): readonly Diagnostic[] | Promise<readonly Diagnostic[]>;
  read(config: ObjectValue, context: CallContext<Client>): Promise<{ state: ObjectValue; diagnostics?: readonly Diagnostic[] }>;
}

export interface ConfigureRequest {
  readonly config: ObjectValue;
  readonly terraformVersion: string;
  readonly capabilities: ClientCapabilities;
}

/** The provider process's lifetime, as the plugin layer sees it. */
export interface Lifetime {
  /** Aborted when the provider stops (StopProvider, GRPCController.Shutdown, SIGTERM, Terraform gone). */
  readonly signal: AbortSignal;
  /**
   * Why the provider is stopping, checked now: a SIGKILLed Terraform is noticed at this call, not
   * at the next poll. Undefined while Terraform runs and has not asked the provider to stop. Ask
   * it right before every side effect: work Terraform can no longer record must not start.
   */
  stopping(): string | undefined;
}

export interface Provider<Client> {
  /** The provider block's schema. */
  readonly schema: Schema;
  readonly resources: readonly Resource<Client>[];
  readonly dataSources: readonly DataSource<Client>[];
  validate?(request: ValidateRequest): readonly Diagnostic[] | Promise<readonly Diagnostic[]>;
  /** Runs on ConfigureProvider; resources and data sources get its result as `context.client`. */
  configure(request: ConfigureRequest, log: Logger, lifetime: Lifetime): Promise<Client>;
  /** Called once when the process stops (StopProvider, Shutdown, SIGTERM). */
  close?(client: Client): Promise<void>;
}

/** Every schema a provider serves, by type name: what GetProviderSchema answers. */
export interface ProviderSchemas {
  readonly provider: Schema;
  readonly resources: { readonly [typeName: string]: Schema };
  readonly dataSources: { readonly [typeName: string]: Schema };
}

export function schemasOf<Client>(provider: Provider<Client>): ProviderSchemas {
  return {
    provider: provider.schema,
    resources: Object.fromEntries(provider.resources.map((r) => [r.typeName, r.schema])),
    dataSources: Object.fromEntries(provider.dataSources.map((d) => [d.typeName, d.schema])),
  };
}

/**
 * What the plugin entry serves. `load` runs after the handshake line is printed, so loading the
 * provider's modules (schemas, zod, the HTTP client) stays off Terraform's start-up path.
 */
export interface ProviderDefinition<Client> {
  load(): Promise<Provider<Client>>;
  /**
   * The schemas alone, cheaper than `load`. Terraform starts one process per command only to ask
   * for the schemas; with this, that process never loads the provider, and every other process
   * loads it at its first call that needs more than the schemas. Must equal schemasOf(load()).
   */
  schemas?(): Promise<ProviderSchemas>;
}
