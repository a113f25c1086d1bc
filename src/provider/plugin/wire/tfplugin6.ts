// The parts of Terraform's plugin protocol 6 (as served to Terraform 1.11), grpc.health.v1 and
// go-plugin's controller that this layer speaks, as TypeScript shapes with their wire specs.
// Field numbers follow tfplugin6.proto (protocol 6.7+); fields Terraform sends that the layer
// has no use for (provider_meta, legacy flatmap details, ...) are simply skipped when decoding.
import type { Spec } from "./protobuf.js";

export interface DynamicValue {
  msgpack: Uint8Array;
  json: Uint8Array;
}
export const DynamicValue: Spec<DynamicValue> = { msgpack: { no: 1, kind: "bytes" }, json: { no: 2, kind: "bytes" } };

export interface AttributePathStep {
  attribute_name?: string;
  element_key_string?: string;
  element_key_int?: number;
}
// A oneof: a step sets one member; element_key_int is explicit so that index 0 is written too.
export const AttributePathStep: Spec<AttributePathStep> = {
  attribute_name: { no: 1, kind: "string" },
  element_key_string: { no: 2, kind: "string" },
  element_key_int: { no: 3, kind: "int64", explicit: true },
};

export interface AttributePath {
  steps: AttributePathStep[];
}
export const AttributePath: Spec<AttributePath> = { steps: { no: 1, kind: "repeated", of: () => AttributePathStep } };

export const Severity = { error: 1, warning: 2 } as const;

export interface Diagnostic {
  severity: number;
  summary: string;
  detail?: string;
  attribute?: AttributePath;
}
export const Diagnostic: Spec<Diagnostic> = {
  severity: { no: 1, kind: "enum" },
  summary: { no: 2, kind: "string" },
  detail: { no: 3, kind: "string" },
  attribute: { no: 4, kind: "message", of: () => AttributePath },
};

export interface SchemaAttribute {
  name: string;
  /** Empty for a nested attribute, which has nested_type instead. */
  type?: Uint8Array;
  nested_type?: SchemaObject;
  description?: string;
  required?: boolean;
  optional?: boolean;
  computed?: boolean;
  sensitive?: boolean;
  description_kind?: number;
  deprecated?: boolean;
  write_only?: boolean;
}
export const SchemaAttribute: Spec<SchemaAttribute> = {
  name: { no: 1, kind: "string" },
  type: { no: 2, kind: "bytes" },
  description: { no: 3, kind: "string" },
  required: { no: 4, kind: "bool" },
  optional: { no: 5, kind: "bool" },
  computed: { no: 6, kind: "bool" },
  sensitive: { no: 7, kind: "bool" },
  description_kind: { no: 8, kind: "enum" },
  deprecated: { no: 9, kind: "bool" },
  nested_type: { no: 10, kind: "message", of: () => SchemaObject },
  write_only: { no: 11, kind: "bool" },
};

/** StringKind: how Terraform and documentation tools render a description. */
export const StringKind = { plain: 0, markdown: 1 } as const;

export const NestingMode = { single: 1, list: 2, set: 3 } as const;

/** Schema.Object: a nested attribute's attributes and how its objects nest. */
export interface SchemaObject {
  attributes: SchemaAttribute[];
  nesting: number;
}
export const SchemaObject: Spec<SchemaObject> = {
  attributes: { no: 1, kind: "repeated", of: () => SchemaAttribute },
  nesting: { no: 3, kind: "enum" },
};
/** Schema.Object.NestingMode: as NestingMode, and map. */
export const ObjectNestingMode = { single: 1, list: 2, set: 3, map: 4 } as const;

export interface SchemaNestedBlock {
  type_name: string;
  block: SchemaBlock;
  nesting: number;
  min_items?: number;
  max_items?: number;
}
export interface SchemaBlock {
  attributes: SchemaAttribute[];
  block_types: SchemaNestedBlock[];
  description?: string;
  description_kind?: number;
}
export const SchemaNestedBlock: Spec<SchemaNestedBlock> = {
  type_name: { no: 1, kind: "string" },
  block: { no: 2, kind: "message", of: () => SchemaBlock },
  nesting: { no: 3, kind: "enum" },
  min_items: { no: 4, kind: "int64" },
  max_items: { no: 5, kind: "int64" },
};
export const SchemaBlock: Spec<SchemaBlock> = {
  attributes: { no: 2, kind: "repeated", of: () => SchemaAttribute },
  block_types: { no: 3, kind: "repeated", of: () => SchemaNestedBlock },
  description: { no: 4, kind: "string" },
  description_kind: { no: 5, kind: "enum" },
};

export interface Schema {
  version: number;
  block: SchemaBlock;
}
export const Schema: Spec<Schema> = {
  version: { no: 1, kind: "int64" },
  block: { no: 2, kind: "message", of: () => SchemaBlock },
};

export interface ServerCapabilities {
  plan_destroy: boolean;
  get_provider_schema_optional: boolean;
  move_resource_state: boolean;
}
export const ServerCapabilities: Spec<ServerCapabilities> = {
  plan_destroy: { no: 1, kind: "bool" },
  get_provider_schema_optional: { no: 2, kind: "bool" },
  move_resource_state: { no: 3, kind: "bool" },
};

export interface ClientCapabilities {
  deferral_allowed: boolean;
  write_only_attributes_allowed: boolean;
}
export const ClientCapabilities: Spec<ClientCapabilities> = {
  deferral_allowed: { no: 1, kind: "bool" },
  write_only_attributes_allowed: { no: 2, kind: "bool" },
};

/** A message with no fields (google.protobuf.Empty and the protocol's empty requests). */
export type Empty = Record<string, never>;
export const Empty: Spec<Empty> = {};

export interface TypeName {
  type_name: string;
}
export const TypeName: Spec<TypeName> = { type_name: { no: 1, kind: "string" } };

export interface GetMetadataResponse {
  server_capabilities: ServerCapabilities;
  diagnostics: Diagnostic[];
  data_sources: TypeName[];
  resources: TypeName[];
}
export const GetMetadataResponse: Spec<GetMetadataResponse> = {
  server_capabilities: { no: 1, kind: "message", of: () => ServerCapabilities },
  diagnostics: { no: 2, kind: "repeated", of: () => Diagnostic },
  data_sources: { no: 3, kind: "repeated", of: () => TypeName },
  resources: { no: 4, kind: "repeated", of: () => TypeName },
};

export interface GetProviderSchemaResponse {
  provider: Schema;
  resource_schemas: Map<string, Schema>;
  data_source_schemas: Map<string, Schema>;
  diagnostics: Diagnostic[];
  server_capabilities: ServerCapabilities;
}
export const GetProviderSchemaResponse: Spec<GetProviderSchemaResponse> = {
  provider: { no: 1, kind: "message", of: () => Schema },
  resource_schemas: { no: 2, kind: "map", of: () => Schema },
  data_source_schemas: { no: 3, kind: "map", of: () => Schema },
  diagnostics: { no: 4, kind: "repeated", of: () => Diagnostic },
  server_capabilities: { no: 6, kind: "message", of: () => ServerCapabilities },
};

/** A response that carries only diagnostics (the other fields left unset). */
export interface DiagnosticsResponse {
  diagnostics: Diagnostic[];
}
/** Validate{Resource,DataResource,EphemeralResource}Config, ConfigureProvider, Open/CloseEphemeralResource. */
export const DiagnosticsField1: Spec<DiagnosticsResponse> = { diagnostics: { no: 1, kind: "repeated", of: () => Diagnostic } };
/** ValidateProviderConfig, MoveResourceState, GetFunctions, RenewEphemeralResource. */
export const DiagnosticsField2: Spec<DiagnosticsResponse> = { diagnostics: { no: 2, kind: "repeated", of: () => Diagnostic } };

export interface ConfigRequest {
  type_name: string;
  config?: DynamicValue;
  client_capabilities?: ClientCapabilities;
}
/** ValidateResourceConfig / ValidateDataResourceConfig / ValidateEphemeralResourceConfig requests. */
export const ValidateConfigRequest: Spec<ConfigRequest> = {
  type_name: { no: 1, kind: "string" },
  config: { no: 2, kind: "message", of: () => DynamicValue },
  client_capabilities: { no: 3, kind: "message", of: () => ClientCapabilities },
};

export interface ValidateProviderConfigRequest {
  config?: DynamicValue;
}
export const ValidateProviderConfigRequest: Spec<ValidateProviderConfigRequest> = {
  config: { no: 1, kind: "message", of: () => DynamicValue },
};

export interface RawState {
  json: Uint8Array;
  flatmap: Map<string, string>;
}
export const RawState: Spec<RawState> = { json: { no: 1, kind: "bytes" }, flatmap: { no: 2, kind: "map", of: "string" } };

export interface UpgradeResourceStateRequest {
  type_name: string;
  version: number;
  raw_state?: RawState;
}
export const UpgradeResourceStateRequest: Spec<UpgradeResourceStateRequest> = {
  type_name: { no: 1, kind: "string" },
  version: { no: 2, kind: "int64" },
  raw_state: { no: 3, kind: "message", of: () => RawState },
};

export interface StateResponse {
  state?: DynamicValue;
  diagnostics: Diagnostic[];
}
export const UpgradeResourceStateResponse: Spec<StateResponse> = {
  state: { no: 1, kind: "message", of: () => DynamicValue },
  diagnostics: { no: 2, kind: "repeated", of: () => Diagnostic },
};
export const ReadDataSourceResponse: Spec<StateResponse> = UpgradeResourceStateResponse;

export interface ConfigureProviderRequest {
  terraform_version: string;
  config?: DynamicValue;
  client_capabilities?: ClientCapabilities;
}
export const ConfigureProviderRequest: Spec<ConfigureProviderRequest> = {
  terraform_version: { no: 1, kind: "string" },
  config: { no: 2, kind: "message", of: () => DynamicValue },
  client_capabilities: { no: 3, kind: "message", of: () => ClientCapabilities },
};

export interface ReadResourceRequest {
  type_name: string;
  current_state?: DynamicValue;
  private: Uint8Array;
  client_capabilities?: ClientCapabilities;
}
export const ReadResourceRequest: Spec<ReadResourceRequest> = {
  type_name: { no: 1, kind: "string" },
  current_state: { no: 2, kind: "message", of: () => DynamicValue },
  private: { no: 3, kind: "bytes" },
  client_capabilities: { no: 5, kind: "message", of: () => ClientCapabilities },
};

export interface ReadResourceResponse {
  new_state?: DynamicValue;
  diagnostics: Diagnostic[];
  private?: Uint8Array;
}
export const ReadResourceResponse: Spec<ReadResourceResponse> = {
  new_state: { no: 1, kind: "message", of: () => DynamicValue },
  diagnostics: { no: 2, kind: "repeated", of: () => Diagnostic },
  private: { no: 3, kind: "bytes" },
};

/** PlanResourceChange and ApplyResourceChange requests share one layout. */
export interface ChangeRequest {
  type_name: string;
  prior_state?: DynamicValue;
  /** proposed_new_state (plan) or planned_state (apply). */
  next_state?: DynamicValue;
  config?: DynamicValue;
  /** prior_private (plan) or planned_private (apply). */
  private: Uint8Array;
  client_capabilities?: ClientCapabilities;
}
export const ChangeRequest: Spec<ChangeRequest> = {
  type_name: { no: 1, kind: "string" },
  prior_state: { no: 2, kind: "message", of: () => DynamicValue },
  next_state: { no: 3, kind: "message", of: () => DynamicValue },
  config: { no: 4, kind: "message", of: () => DynamicValue },
  private: { no: 5, kind: "bytes" },
  client_capabilities: { no: 7, kind: "message", of: () => ClientCapabilities },
};

export interface PlanResourceChangeResponse {
  planned_state?: DynamicValue;
  requires_replace: AttributePath[];
  planned_private?: Uint8Array;
  diagnostics: Diagnostic[];
}
export const PlanResourceChangeResponse: Spec<PlanResourceChangeResponse> = {
  planned_state: { no: 1, kind: "message", of: () => DynamicValue },
  requires_replace: { no: 2, kind: "repeated", of: () => AttributePath },
  planned_private: { no: 3, kind: "bytes" },
  diagnostics: { no: 4, kind: "repeated", of: () => Diagnostic },
};

export interface ApplyResourceChangeResponse {
  new_state?: DynamicValue;
  private?: Uint8Array;
  diagnostics: Diagnostic[];
}
export const ApplyResourceChangeResponse: Spec<ApplyResourceChangeResponse> = {
  new_state: { no: 1, kind: "message", of: () => DynamicValue },
  private: { no: 2, kind: "bytes" },
  diagnostics: { no: 3, kind: "repeated", of: () => Diagnostic },
};

export interface ImportResourceStateRequest {
  type_name: string;
  id: string;
  client_capabilities?: ClientCapabilities;
}
export const ImportResourceStateRequest: Spec<ImportResourceStateRequest> = {
  type_name: { no: 1, kind: "string" },
  id: { no: 2, kind: "string" },
  client_capabilities: { no: 3, kind: "message", of: () => ClientCapabilities },
};

export interface ImportedResource {
  type_name: string;
  state?: DynamicValue;
  private?: Uint8Array;
}
export const ImportedResource: Spec<ImportedResource> = {
  type_name: { no: 1, kind: "string" },
  state: { no: 2, kind: "message", of: () => DynamicValue },
  private: { no: 3, kind: "bytes" },
};

export interface ImportResourceStateResponse {
  imported_resources: ImportedResource[];
  diagnostics: Diagnostic[];
}
export const ImportResourceStateResponse: Spec<ImportResourceStateResponse> = {
  imported_resources: { no: 1, kind: "repeated", of: () => ImportedResource },
  diagnostics: { no: 2, kind: "repeated", of: () => Diagnostic },
};

export interface MoveResourceStateRequest {
  source_type_name: string;
  target_type_name: string;
}
export const MoveResourceStateRequest: Spec<MoveResourceStateRequest> = {
  source_type_name: { no: 2, kind: "string" },
  target_type_name: { no: 5, kind: "string" },
};

export interface ReadDataSourceRequest {
  type_name: string;
  config?: DynamicValue;
  client_capabilities?: ClientCapabilities;
}
export const ReadDataSourceRequest: Spec<ReadDataSourceRequest> = {
  type_name: { no: 1, kind: "string" },
  config: { no: 2, kind: "message", of: () => DynamicValue },
  client_capabilities: { no: 4, kind: "message", of: () => ClientCapabilities },
};

export interface CallFunctionRequest {
  name: string;
}
export const CallFunctionRequest: Spec<CallFunctionRequest> = { name: { no: 1, kind: "string" } };

export interface FunctionError {
  text: string;
}
export const FunctionError: Spec<FunctionError> = { text: { no: 1, kind: "string" } };
export interface CallFunctionResponse {
  error: FunctionError;
}
export const CallFunctionResponse: Spec<CallFunctionResponse> = { error: { no: 2, kind: "message", of: () => FunctionError } };

export interface StopProviderResponse {
  Error: string;
}
export const StopProviderResponse: Spec<StopProviderResponse> = { Error: { no: 1, kind: "string" } };

/** grpc.health.v1 */
export interface HealthCheckRequest {
  service: string;
}
export const HealthCheckRequest: Spec<HealthCheckRequest> = { service: { no: 1, kind: "string" } };
export const HealthServing = 1;
export interface HealthCheckResponse {
  status: number;
}
export const HealthCheckResponse: Spec<HealthCheckResponse> = { status: { no: 1, kind: "enum" } };
