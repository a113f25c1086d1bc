// The RPCs Terraform calls, over a provider built on the contract in types.ts. Every RPC runs on
// its own: nothing here serializes calls, since Terraform makes them concurrently.
import type {
  Block,
  CallContext,
  ClientCapabilities,
  DataSource,
  Diagnostic,
  Lifetime,
  Logger,
  ObjectValue,
  Provider,
  ProviderDefinition,
  ProviderSchemas,
  Resource,
  Value,
} from "./types.js";
import { DiagnosticError, schemasOf, Unknown } from "./types.js";
import { fromJson, fromMsgpack, toMsgpack } from "./cty/codec.js";
import { impliedType, normalize, stateOf } from "./cty/block.js";
import { diagnosticsOf, toWireDiagnostics, toWirePath } from "./diagnostics.js";
import { toWireSchema } from "./schema.js";
import type { UnaryHandler } from "./grpc/server.js";
import type { TerraformCommand } from "./terraform-command.js";
import { decode, encode, type Spec } from "./wire/protobuf.js";
import * as wire from "./wire/tfplugin6.js";

interface Runtime extends Lifetime {
  readonly log: Logger;
  /** The command of the Terraform process that started this one. */
  terraformCommand(): TerraformCommand;
  /** Begins the orderly stop (StopProvider, GRPCController.Shutdown). */
  stop(reason: string): void;
}

/** What the service hands to serve for the stop: the provider's close, run once. */
export interface Service {
  readonly routes: ReadonlyMap<string, UnaryHandler>;
  close(): Promise<void>;
}

const PROVIDER = "/tfplugin6.Provider/";

function capabilitiesOf(sent: wire.ClientCapabilities | undefined): ClientCapabilities {
  return {
    writeOnlyAttributesAllowed: sent?.write_only_attributes_allowed === true,
    deferralAllowed: sent?.deferral_allowed === true,
  };
}

function isObject(value: Value): value is ObjectValue {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Unknown);
}

function prefixed<T>(what: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    throw new Error(`${what}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** A DynamicValue of a block's object type; absent or cty null reads as null. */
function objectOf(dynamic: wire.DynamicValue | undefined, block: Block, what: string): ObjectValue | null {
  if (dynamic === undefined) return null;
  const type = impliedType(block);
  const value = prefixed(what, () =>
    dynamic.msgpack.length > 0 ? fromMsgpack(dynamic.msgpack, type) : dynamic.json.length > 0 ? fromJson(dynamic.json, type) : null,
  );
  if (value === null) return null;
  if (!isObject(value)) throw new Error(`${what} is not an object`);
  return normalize(value, block);
}

const NULL_MSGPACK = Uint8Array.of(0xc0);

/** A state for Terraform: every attribute present, write-only attributes null. */
function stateValue(state: ObjectValue | null, block: Block, what: string): wire.DynamicValue {
  if (state === null) return { msgpack: NULL_MSGPACK, json: new Uint8Array(0) };
  return { msgpack: prefixed(what, () => toMsgpack(stateOf(state, block), impliedType(block))), json: new Uint8Array(0) };
}

function hasErrors(diagnostics: readonly Diagnostic[] | undefined): boolean {
  return (diagnostics ?? []).some((d) => d.severity === "error");
}

/** Write-only values need Terraform >= 1.11, which announces it in the client capabilities. */
function writeOnlyDiagnostics(config: ObjectValue, block: Block, capabilities: ClientCapabilities): Diagnostic[] {
  if (capabilities.writeOnlyAttributesAllowed) return [];
  return Object.entries(block.attributes)
    .filter(([name, attribute]) => attribute.writeOnly === true && config[name] !== null && config[name] !== undefined)
    .map(([name]) => ({
      severity: "error" as const,
      summary: `Attribute "${name}" is write-only`,
      detail: "Write-only attributes need Terraform 1.11 or newer; upgrade Terraform or leave the attribute unset.",
      path: [name],
    }));
}

interface IndexedProvider<Client> {
  readonly provider: Provider<Client>;
  readonly resources: ReadonlyMap<string, Resource<Client>>;
  readonly dataSources: ReadonlyMap<string, DataSource<Client>>;
}

export function createService<Client>(definition: ProviderDefinition<Client>, runtime: Runtime): Service {
  const { log } = runtime;
  let loading: Promise<IndexedProvider<Client>> | undefined;
  const loaded = (): Promise<IndexedProvider<Client>> =>
    (loading ??= definition.load().then((provider) => ({
      provider,
      resources: new Map(provider.resources.map((r) => [r.typeName, r] as const)),
      dataSources: new Map(provider.dataSources.map((d) => [d.typeName, d] as const)),
    })));
  // Without a cheaper way to the schemas, loading starts at once, while Terraform connects;
  // until an RPC awaits it, a failed load must not count as an unhandled rejection.
  if (definition.schemas === undefined) loaded().catch(() => undefined);
  const schemas = (): Promise<ProviderSchemas> => definition.schemas?.() ?? loaded().then(({ provider }) => schemasOf(provider));
  let configured: { readonly client: Client } | undefined;
  let closing: Promise<void> | undefined;
  const lifetime: Lifetime = { signal: runtime.signal, stopping: () => runtime.stopping() };
  // The provider block as ValidateProviderConfig saw it, and the client a resource's validate may
  // ask for (ValidateRequest.connect): made at most once, closed with the process.
  let validatedBlock: ObjectValue | undefined;
  let validateClient: Promise<Client> | undefined;
  const connect = (): Promise<Client> =>
    (validateClient ??= (async () => {
      if (validatedBlock === undefined) throw new Error("the provider block was not validated in this process");
      const { provider } = await loaded();
      return provider.configure({ config: validatedBlock, terraformVersion: "", capabilities: capabilitiesOf(undefined) }, log, lifetime);
    })());

  function lookup<T>(types: ReadonlyMap<string, T>, kind: string, typeName: string): T {
    const found = types.get(typeName);
    if (found === undefined) {
      throw new DiagnosticError({
        severity: "error",
        summary: `Unknown ${kind} "${typeName}"`,
        detail: `This provider has the ${kind}s: ${[...types.keys()].join(", ") || "(none)"}.`,
      });
    }
    return found;
  }
  const resourceOf = async (typeName: string): Promise<Resource<Client>> => lookup((await loaded()).resources, "resource type", typeName);
  const dataSourceOf = async (typeName: string): Promise<DataSource<Client>> => lookup((await loaded()).dataSources, "data source", typeName);

  function context(): CallContext<Client> {
    if (configured === undefined) {
      throw new DiagnosticError({
        severity: "error",
        summary: "Provider not configured",
        detail: "Terraform called the provider before ConfigureProvider; this is a bug in the caller.",
      });
    }
    return { client: configured.client, log, signal: runtime.signal, terraformCommand: () => runtime.terraformCommand() };
  }

  const routes = new Map<string, UnaryHandler>();

  /** Registers an RPC whose failures become the response's diagnostics. */
  function rpc<Req, Res extends { diagnostics: wire.Diagnostic[] }>(
    name: string,
    requestSpec: Spec<Req>,
    responseSpec: Spec<Res>,
    handle: (request: Req) => Promise<Partial<Res>>,
    onError: (request: Req) => Partial<Res> = () => ({}),
  ): void {
    routes.set(`${PROVIDER}${name}`, async (bytes) => {
      const request = decode(requestSpec, bytes);
      log.debug(`RPC ${name}`);
      let response: Partial<Res>;
      try {
        response = await handle(request);
      } catch (error) {
        response = { ...onError(request), diagnostics: toWireDiagnostics(diagnosticsOf(error, log, name)) } as Partial<Res>;
      }
      return encode(responseSpec, response);
    });
  }

  const serverCapabilities: wire.ServerCapabilities = {
    // The provider plans destroys itself, e.g. to warn about what a destroy takes down.
    plan_destroy: true,
    // Terraform starts a provider three or four times per command; with this it asks only the
    // first for the schemas and keeps them for the others (they never change within a version).
    get_provider_schema_optional: true,
    move_resource_state: false,
  };

  rpc("GetMetadata", wire.Empty, wire.GetMetadataResponse, async () => {
    const { resources, dataSources } = await schemas();
    return {
      server_capabilities: serverCapabilities,
      resources: Object.keys(resources).map((type_name) => ({ type_name })),
      data_sources: Object.keys(dataSources).map((type_name) => ({ type_name })),
    };
  });

  let schemaResponse: Promise<Uint8Array> | undefined;
  const schemaResponseOf = ({ provider, resources, dataSources }: ProviderSchemas): Uint8Array =>
    encode(wire.GetProviderSchemaResponse, {
      provider: toWireSchema(provider),
      resource_schemas: new Map(Object.entries(resources).map(([typeName, schema]) => [typeName, toWireSchema(schema)])),
      data_source_schemas: new Map(Object.entries(dataSources).map(([typeName, schema]) => [typeName, toWireSchema(schema)])),
      server_capabilities: serverCapabilities,
    });
  // Terraform asks for the schema several times in one process; it never changes, so it is encoded once.
  routes.set(`${PROVIDER}GetProviderSchema`, async () => {
    log.debug("RPC GetProviderSchema");
    schemaResponse ??= schemas().then(schemaResponseOf);
    try {
      return await schemaResponse;
    } catch (error) {
      return encode(wire.GetProviderSchemaResponse, { diagnostics: toWireDiagnostics(diagnosticsOf(error, log, "GetProviderSchema")) });
    }
  });

  rpc("ValidateProviderConfig", wire.ValidateProviderConfigRequest, wire.DiagnosticsField2, async (request) => {
    const { provider } = await loaded();
    const config = objectOf(request.config, provider.schema.block, "provider configuration") ?? {};
    const diagnostics = (await provider.validate?.({ config, capabilities: capabilitiesOf(undefined) })) ?? [];
    if (!hasErrors(diagnostics)) validatedBlock = config;
    return { diagnostics: toWireDiagnostics(diagnostics) };
  });

  rpc("ValidateResourceConfig", wire.ValidateConfigRequest, wire.DiagnosticsField1, async (request) => {
    const resource = await resourceOf(request.type_name);
    const capabilities = capabilitiesOf(request.client_capabilities);
    const config = objectOf(request.config, resource.schema.block, `${request.type_name} configuration`) ?? {};
    const diagnostics = [
      ...writeOnlyDiagnostics(config, resource.schema.block, capabilities),
      ...((await resource.validate?.({ config, capabilities, terraformCommand: () => runtime.terraformCommand(), connect })) ?? []),
    ];
    return { diagnostics: toWireDiagnostics(diagnostics) };
  });

  rpc("ValidateDataResourceConfig", wire.ValidateConfigRequest, wire.DiagnosticsField1, async (request) => {
    const dataSource = await dataSourceOf(request.type_name);
    const config = objectOf(request.config, dataSource.schema.block, `${request.type_name} configuration`) ?? {};
    const diagnostics = (await dataSource.validate?.({ config, capabilities: capabilitiesOf(request.client_capabilities) })) ?? [];
    return { diagnostics: toWireDiagnostics(diagnostics) };
  });

  rpc("UpgradeResourceState", wire.UpgradeResourceStateRequest, wire.UpgradeResourceStateResponse, async (request) => {
    const resource = await resourceOf(request.type_name);
    const { schema } = resource;
    const raw = request.raw_state;
    if (raw === undefined || raw.json.length === 0) {
      if (raw !== undefined && raw.flatmap.size > 0) {
        throw new Error(
          `${request.type_name}: the stored state is in the legacy flatmap format, which this provider cannot read; remove the resource from state and import it again`,
        );
      }
      return { state: stateValue(null, schema.block, request.type_name) };
    }
    if (request.version > schema.version) {
      throw new Error(
        `${request.type_name}: the stored state has schema version ${request.version}, newer than this provider's ${schema.version}; use the provider version that wrote it`,
      );
    }
    let json = raw.json;
    if (request.version < schema.version && resource.upgradeState !== undefined) {
      const stored = JSON.parse(new TextDecoder().decode(raw.json)) as ObjectValue;
      json = new TextEncoder().encode(JSON.stringify(resource.upgradeState(request.version, stored)));
    }
    // Decoded by the current schema, which fills attributes missing from an older state with
    // null and drops ones the schema no longer has.
    const state = objectOf({ msgpack: new Uint8Array(0), json }, schema.block, `${request.type_name} stored state`);
    return { state: stateValue(state, schema.block, `${request.type_name} upgraded state`) };
  });

  rpc("ConfigureProvider", wire.ConfigureProviderRequest, wire.DiagnosticsField1, async (request) => {
    const { provider } = await loaded();
    const config = objectOf(request.config, provider.schema.block, "provider configuration") ?? {};
    const client = await provider.configure(
      { config, terraformVersion: request.terraform_version, capabilities: capabilitiesOf(request.client_capabilities) },
      log,
      lifetime,
    );
    configured = { client };
    return {};
  });

  rpc(
    "ReadResource",
    wire.ReadResourceRequest,
    wire.ReadResourceResponse,
    async (request) => {
      const resource = await resourceOf(request.type_name);
      const { block } = resource.schema;
      const state = objectOf(request.current_state, block, `${request.type_name} state`);
      if (state === null) return { new_state: stateValue(null, block, request.type_name) };
      const result = await resource.read({ state, private: request.private }, context());
      return {
        new_state: stateValue(result.state, block, `${request.type_name} state from read`),
        private: result.private ?? request.private,
        diagnostics: toWireDiagnostics(result.diagnostics),
      };
    },
    // A failed read keeps the state as it was.
    (request) => ({ ...(request.current_state !== undefined ? { new_state: request.current_state } : {}), private: request.private }),
  );

  rpc("PlanResourceChange", wire.ChangeRequest, wire.PlanResourceChangeResponse, async (request) => {
    const resource = await resourceOf(request.type_name);
    const { block } = resource.schema;
    const result = await resource.plan(
      {
        prior: objectOf(request.prior_state, block, `${request.type_name} prior state`),
        proposed: objectOf(request.next_state, block, `${request.type_name} proposed state`),
        config: objectOf(request.config, block, `${request.type_name} configuration`),
        priorPrivate: request.private,
        capabilities: capabilitiesOf(request.client_capabilities),
      },
      context(),
    );
    return {
      planned_state: stateValue(result.planned, block, `${request.type_name} planned state from plan`),
      requires_replace: (result.requiresReplace ?? []).map(toWirePath),
      planned_private: result.plannedPrivate ?? request.private,
      diagnostics: toWireDiagnostics(result.diagnostics),
    };
  });

  rpc(
    "ApplyResourceChange",
    wire.ChangeRequest,
    wire.ApplyResourceChangeResponse,
    async (request) => {
      const resource = await resourceOf(request.type_name);
      const { block } = resource.schema;
      const prior = objectOf(request.prior_state, block, `${request.type_name} prior state`);
      const result = await resource.apply(
        {
          prior,
          planned: objectOf(request.next_state, block, `${request.type_name} planned state`),
          config: objectOf(request.config, block, `${request.type_name} configuration`),
          plannedPrivate: request.private,
        },
        context(),
      );
      // A failed apply that returns no state leaves the object as it was before.
      const state = result.state === null && hasErrors(result.diagnostics) ? prior : result.state;
      return {
        new_state: stateValue(state, block, `${request.type_name} new state from apply`),
        private: result.private ?? request.private,
        diagnostics: toWireDiagnostics(result.diagnostics),
      };
    },
    (request) => ({ ...(request.prior_state !== undefined ? { new_state: request.prior_state } : {}) }),
  );

  rpc("ImportResourceState", wire.ImportResourceStateRequest, wire.ImportResourceStateResponse, async (request) => {
    const resource = await resourceOf(request.type_name);
    if (resource.import === undefined) {
      throw new DiagnosticError({
        severity: "error",
        summary: `Resource type "${request.type_name}" cannot be imported`,
        detail: "Declare the resource in the configuration and let Terraform create it instead.",
      });
    }
    const result = await resource.import(request.id, context());
    const imported = hasErrors(result.diagnostics)
      ? []
      : [
          {
            type_name: request.type_name,
            state: stateValue(result.state, resource.schema.block, `${request.type_name} state from import`),
            ...(result.private !== undefined ? { private: result.private } : {}),
          },
        ];
    return { imported_resources: imported, diagnostics: toWireDiagnostics(result.diagnostics) };
  });

  rpc("MoveResourceState", wire.MoveResourceStateRequest, wire.DiagnosticsField2, async (request) => {
    throw new DiagnosticError({
      severity: "error",
      summary: "Moving resource state is not supported",
      detail: `This provider cannot move state from "${request.source_type_name}" to "${request.target_type_name}"; remove the old resource from state and import the object under the new address.`,
    });
  });

  rpc("ReadDataSource", wire.ReadDataSourceRequest, wire.ReadDataSourceResponse, async (request) => {
    const dataSource = await dataSourceOf(request.type_name);
    const { block } = dataSource.schema;
    const config = objectOf(request.config, block, `${request.type_name} configuration`) ?? {};
    const result = await dataSource.read(config, context());
    return { state: stateValue(result.state, block, `${request.type_name} state from read`), diagnostics: toWireDiagnostics(result.diagnostics) };
  });

  const noEphemeral = async (request: wire.ConfigRequest): Promise<Partial<wire.DiagnosticsResponse>> => {
    throw new DiagnosticError({
      severity: "error",
      summary: `Unknown ephemeral resource type "${request.type_name}"`,
      detail: "This provider has no ephemeral resources.",
    });
  };
  rpc("ValidateEphemeralResourceConfig", wire.ValidateConfigRequest, wire.DiagnosticsField1, noEphemeral);
  rpc("OpenEphemeralResource", wire.ValidateConfigRequest, wire.DiagnosticsField1, noEphemeral);
  rpc("RenewEphemeralResource", wire.ValidateConfigRequest, wire.DiagnosticsField2, noEphemeral);
  rpc("CloseEphemeralResource", wire.ValidateConfigRequest, wire.DiagnosticsField1, noEphemeral);

  rpc("GetFunctions", wire.Empty, wire.DiagnosticsField2, async () => ({}));

  routes.set(`${PROVIDER}CallFunction`, async (bytes) => {
    const request = decode(wire.CallFunctionRequest, bytes);
    return encode(wire.CallFunctionResponse, { error: { text: `This provider has no function named "${request.name}".` } });
  });

  routes.set(`${PROVIDER}StopProvider`, async () => {
    log.debug("RPC StopProvider");
    runtime.stop("StopProvider");
    return encode(wire.StopProviderResponse, {});
  });

  routes.set("/grpc.health.v1.Health/Check", async () => encode(wire.HealthCheckResponse, { status: wire.HealthServing }));

  routes.set("/plugin.GRPCController/Shutdown", async () => {
    runtime.stop("GRPCController.Shutdown");
    return encode(wire.Empty, {});
  });

  return {
    routes,
    close() {
      closing ??= (async () => {
        const clients = [configured?.client, await validateClient?.catch(() => undefined)].filter((client) => client !== undefined);
        if (clients.length === 0) return;
        const { provider } = await loaded();
        for (const client of clients) {
          try {
            await provider.close?.(client);
          } catch (error) {
            log.warn("closing the provider failed", { error: error instanceof Error ? error.message : String(error) });
          }
        }
      })();
      return closing;
    },
  };
}
