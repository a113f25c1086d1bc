// Unit: the plugin layer's gRPC service (src/provider/plugin/service.ts) called in-process with
// encoded requests, no process and no server: diagnostics, write-only values, lazy provider loading.

import { test } from "node:test";
import assert from "node:assert/strict";
import { createService, type Service } from "../src/provider/plugin/service.js";
import { hclogLogger } from "../src/provider/plugin/log.js";
import { toMsgpack, fromMsgpack } from "../src/provider/plugin/cty/codec.js";
import { impliedType } from "../src/provider/plugin/cty/block.js";
import type { Block, ObjectValue, Provider, Resource } from "../src/provider/plugin/types.js";
import { DiagnosticError } from "../src/provider/plugin/types.js";
import { decode, encode, type Spec } from "../src/provider/plugin/wire/protobuf.js";
import * as wire from "../src/provider/plugin/wire/tfplugin6.js";

const block: Block = {
  attributes: {
    name: { type: "string", description: "", required: true },
    password: { type: "string", description: "", optional: true, writeOnly: true },
  },
};

interface Client {
  readonly calls: string[];
}

function thing(read: (state: ObjectValue) => ObjectValue | null): Resource<Client> {
  return {
    typeName: "x_thing",
    schema: { version: 0, block },
    async plan({ proposed }) {
      return { planned: proposed };
    },
    async apply({ planned }) {
      return { state: planned };
    },
    async read({ state }, { client }) {
      client.calls.push("read");
      return { state: read(state) };
    },
  };
}

function providerOf(resource: Resource<Client>): Provider<Client> {
  return {
    schema: { version: 0, block: { attributes: {} } },
    resources: [resource],
    dataSources: [],
    async configure() {
      return { calls: [] };
    },
  };
}

function service(resource: Resource<Client>, lines: string[] = []): Service {
  return serviceOf(providerOf(resource), lines);
}

function serviceOf(provider: Provider<Client>, lines: string[] = []): Service {
  return createService(
    { load: async () => provider },
    {
      log: hclogLogger("provider.x", (line) => lines.push(line)),
      signal: new AbortController().signal,
      stop: () => undefined,
      stopping: () => undefined,
      terraformCommand: () => ({ known: false, reason: "no Terraform" }),
    },
  );
}

async function call<Req, Res>(svc: Service, method: string, requestSpec: Spec<Req>, request: Partial<Req>, responseSpec: Spec<Res>): Promise<Res> {
  const handler = svc.routes.get(`/tfplugin6.Provider/${method}`);
  assert.ok(handler, method);
  return decode(responseSpec, await handler(encode(requestSpec, request)));
}

/** ValidateResourceConfig of an x_thing: the summaries of its diagnostics. */
async function validateThing(svc: Service): Promise<string[]> {
  const response = await call(
    svc,
    "ValidateResourceConfig",
    wire.ValidateConfigRequest,
    { type_name: "x_thing", config: dv({ name: "a", password: null }) },
    wire.DiagnosticsField1,
  );
  return response.diagnostics.map((d) => d.summary);
}

const dv = (value: ObjectValue): wire.DynamicValue => ({ msgpack: toMsgpack(value, impliedType(block)), json: new Uint8Array(0) });
const configure = (svc: Service) =>
  call(
    svc,
    "ConfigureProvider",
    wire.ConfigureProviderRequest,
    { config: { msgpack: toMsgpack({}, ["object", {}]), json: new Uint8Array(0) } },
    wire.DiagnosticsField1,
  );

test("a read's returned state has write-only attributes nulled, and a thrown error becomes one diagnostic without its stack", async () => {
  const lines: string[] = [];
  let fail = false;
  const svc = service(
    thing((state) => {
      if (fail) throw new Error("the thing broke");
      return { ...state, password: "leaked" };
    }),
    lines,
  );
  await configure(svc);
  const read = await call(
    svc,
    "ReadResource",
    wire.ReadResourceRequest,
    { type_name: "x_thing", current_state: dv({ name: "a", password: null }) },
    wire.ReadResourceResponse,
  );
  assert.deepEqual(fromMsgpack(read.new_state!.msgpack, impliedType(block)), { name: "a", password: null });

  fail = true;
  const failed = await call(
    svc,
    "ReadResource",
    wire.ReadResourceRequest,
    { type_name: "x_thing", current_state: dv({ name: "a", password: null }) },
    wire.ReadResourceResponse,
  );
  assert.deepEqual(
    failed.diagnostics.map((d) => [d.severity, d.summary, d.detail ?? ""]),
    [[wire.Severity.error, "the thing broke", ""]],
  );
  assert.deepEqual(fromMsgpack(failed.new_state!.msgpack, impliedType(block)), { name: "a", password: null }, "a failed read keeps the state");
  const debug = lines.map((line) => JSON.parse(line) as Record<string, string>).find((entry) => entry["@message"] === "ReadResource failed")!;
  assert.equal(debug["@level"], "debug");
  assert.match(debug["stack"]!, /at /);
});

test("a state of the wrong type is reported against the resource type and attribute", async () => {
  const svc = service(thing((state) => ({ ...state, name: 5 })));
  await configure(svc);
  const read = await call(
    svc,
    "ReadResource",
    wire.ReadResourceRequest,
    { type_name: "x_thing", current_state: dv({ name: "a", password: null }) },
    wire.ReadResourceResponse,
  );
  assert.equal(read.diagnostics[0]!.summary, 'x_thing state from read: name: expected "string", got a number');
});

test("DiagnosticError diagnostics keep their paths; calls before ConfigureProvider are refused", async () => {
  const resource: Resource<Client> = {
    ...thing((state) => state),
    validate: () => {
      throw new DiagnosticError([
        { severity: "warning", summary: "w", path: ["name"] },
        { severity: "error", summary: "e", detail: "d", path: ["tags", { key: "k" }, 2] },
      ]);
    },
  };
  const svc = service(resource);
  const validated = await call(
    svc,
    "ValidateResourceConfig",
    wire.ValidateConfigRequest,
    { type_name: "x_thing", config: dv({ name: "a", password: null }) },
    wire.DiagnosticsField1,
  );
  assert.deepEqual(
    validated.diagnostics.map((d) => [d.severity, d.summary, d.attribute?.steps.map((s) => s.attribute_name || s.element_key_string || s.element_key_int)]),
    [
      [wire.Severity.warning, "w", ["name"]],
      [wire.Severity.error, "e", ["tags", "k", 2]],
    ],
  );
  const early = await call(
    svc,
    "ReadResource",
    wire.ReadResourceRequest,
    { type_name: "x_thing", current_state: dv({ name: "a", password: null }) },
    wire.ReadResourceResponse,
  );
  assert.equal(early.diagnostics[0]!.summary, "Provider not configured");
});

test("write-only values need a client that allows them", async () => {
  const svc = service(thing((state) => state));
  const config = dv({ name: "a", password: "p" });
  const old = await call(svc, "ValidateResourceConfig", wire.ValidateConfigRequest, { type_name: "x_thing", config }, wire.DiagnosticsField1);
  assert.equal(old.diagnostics[0]!.summary, 'Attribute "password" is write-only');
  assert.deepEqual(old.diagnostics[0]!.attribute?.steps, [{ attribute_name: "password", element_key_string: "", element_key_int: 0 }]);
  const current = await call(
    svc,
    "ValidateResourceConfig",
    wire.ValidateConfigRequest,
    { type_name: "x_thing", config, client_capabilities: { write_only_attributes_allowed: true, deferral_allowed: false } },
    wire.DiagnosticsField1,
  );
  assert.deepEqual(current.diagnostics, []);
});

test("unknown types, MoveResourceState, functions and ephemeral resources answer with clear diagnostics", async () => {
  const svc = service(thing((state) => state));
  const unknown = await call(svc, "ValidateResourceConfig", wire.ValidateConfigRequest, { type_name: "x_other" }, wire.DiagnosticsField1);
  assert.equal(unknown.diagnostics[0]!.summary, 'Unknown resource type "x_other"');
  assert.match(unknown.diagnostics[0]!.detail!, /x_thing/);
  const moved = await call(
    svc,
    "MoveResourceState",
    wire.MoveResourceStateRequest,
    { source_type_name: "a_b", target_type_name: "x_thing" },
    wire.DiagnosticsField2,
  );
  assert.equal(moved.diagnostics[0]!.summary, "Moving resource state is not supported");
  const functions = await call(svc, "GetFunctions", wire.Empty, {}, wire.DiagnosticsField2);
  assert.deepEqual(functions.diagnostics, []);
  const called = await call(svc, "CallFunction", wire.CallFunctionRequest, { name: "f" }, wire.CallFunctionResponse);
  assert.match(called.error.text, /no function named "f"/);
  const ephemeral = await call(svc, "ValidateEphemeralResourceConfig", wire.ValidateConfigRequest, { type_name: "x_e" }, wire.DiagnosticsField1);
  assert.equal(ephemeral.diagnostics[0]!.summary, 'Unknown ephemeral resource type "x_e"');
});

test("a provider that fails to load reports it on the first schema request", async () => {
  const svc = createService<Client>(
    { load: async () => Promise.reject(new Error("schema module missing")) },
    {
      log: hclogLogger(undefined, () => undefined),
      signal: new AbortController().signal,
      stop: () => undefined,
      stopping: () => undefined,
      terraformCommand: () => ({ known: false, reason: "no Terraform" }),
    },
  );
  const schema = decode(wire.GetProviderSchemaResponse, await svc.routes.get("/tfplugin6.Provider/GetProviderSchema")!(new Uint8Array(0)));
  assert.equal(schema.diagnostics[0]!.summary, "schema module missing");
});

test("with a schemas function, schema and metadata requests never load the provider; the first other call does, once", async () => {
  const loads: string[] = [];
  const resource = thing((state) => state);
  const provider = providerOf(resource);
  const svc = createService<Client>(
    {
      load: async () => {
        loads.push("load");
        return provider;
      },
      schemas: async () => ({ provider: provider.schema, resources: { x_thing: resource.schema }, dataSources: {} }),
    },
    {
      log: hclogLogger(undefined, () => undefined),
      signal: new AbortController().signal,
      stop: () => undefined,
      stopping: () => undefined,
      terraformCommand: () => ({ known: false, reason: "no Terraform" }),
    },
  );
  const schema = await call(svc, "GetProviderSchema", wire.Empty, {}, wire.GetProviderSchemaResponse);
  assert.deepEqual([...schema.resource_schemas.keys()], ["x_thing"]);
  assert.equal(
    schema.resource_schemas
      .get("x_thing")!
      .block!.attributes.map((a) => a.name)
      .join(","),
    "name,password",
  );
  const metadata = await call(svc, "GetMetadata", wire.Empty, {}, wire.GetMetadataResponse);
  assert.deepEqual(
    metadata.resources.map((r) => r.type_name),
    ["x_thing"],
  );
  assert.deepEqual(loads, []);
  await validateThing(svc);
  assert.deepEqual(loads, ["load"]);
  await configure(svc);
  assert.deepEqual(loads, ["load"]);
});

test("a resource's validate may connect with the provider block validated in this process: configured once, closed with the service", async () => {
  const configured: ObjectValue[] = [];
  const closed: Client[] = [];
  const resource: Resource<Client> = {
    ...thing((state) => state),
    async validate({ connect }) {
      try {
        const client = await connect!();
        client.calls.push("validate");
        return [{ severity: "warning", summary: `connected, calls ${client.calls.join(",")}` }];
      } catch (error) {
        return [{ severity: "warning", summary: `no client: ${(error as Error).message}` }];
      }
    },
  };
  const providerBlock: Block = { attributes: { url: { type: "string", description: "", optional: true } } };
  const provider: Provider<Client> = {
    schema: { version: 0, block: providerBlock },
    resources: [resource],
    dataSources: [],
    async configure({ config }) {
      configured.push(config);
      return { calls: [] };
    },
    async close(client) {
      closed.push(client);
    },
  };

  const unvalidated = serviceOf(provider);
  assert.deepEqual(await validateThing(unvalidated), ["no client: the provider block was not validated in this process"]);

  const fresh = serviceOf(provider);
  const block = { msgpack: toMsgpack({ url: "https://oc.example.test" }, impliedType(providerBlock)), json: new Uint8Array(0) };
  await call(fresh, "ValidateProviderConfig", wire.ValidateProviderConfigRequest, { config: block }, wire.DiagnosticsField2);
  const validateFresh = () => validateThing(fresh);
  assert.deepEqual(await validateFresh(), ["connected, calls validate"]);
  assert.deepEqual(await validateFresh(), ["connected, calls validate,validate"], "one client for the process");
  assert.deepEqual(configured, [{ url: "https://oc.example.test" }]);
  await fresh.close();
  assert.deepEqual(closed, [{ calls: ["validate", "validate"] }]);
});
