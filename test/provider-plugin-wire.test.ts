// Unit: the plugin layer's wire formats, no process: its msgpack (against the @msgpack/msgpack
// library) and its protobuf encoding of tfplugin6 messages.

import { test } from "node:test";
import assert from "node:assert/strict";
import { decode as libraryDecode, encode as libraryEncode, ExtData } from "@msgpack/msgpack";
import { decodeMsgpack, encodeMsgpack, Extension, type Msgpack } from "../src/provider/plugin/cty/msgpack.js";
import { decode, encode } from "../src/provider/plugin/wire/protobuf.js";
import * as wire from "../src/provider/plugin/wire/tfplugin6.js";

const samples: Msgpack[] = [
  null,
  true,
  false,
  0,
  127,
  128,
  255,
  65535,
  65536,
  4294967295,
  4294967296,
  Number.MAX_SAFE_INTEGER,
  -1,
  -32,
  -33,
  -2147483648,
  -2147483649,
  1.5,
  -0.1,
  1e300,
  "",
  "x".repeat(31),
  "y".repeat(32),
  "z".repeat(300),
  "ünïcødé",
  Uint8Array.of(1, 2, 3),
  new Uint8Array(70000),
  [],
  Array.from({ length: 20 }, (_, i) => i),
  { a: 1, b: [null, "c"] },
  Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, i])),
];

test("msgpack: what this module encodes, the reference library decodes alike, and back", () => {
  for (const sample of samples) {
    assert.deepEqual(libraryDecode(encodeMsgpack(sample)), sample instanceof Uint8Array ? sample : sample, JSON.stringify(sample)?.slice(0, 40));
    assert.deepEqual(decodeMsgpack(libraryEncode(sample)), sample);
  }
});

test("msgpack: extensions of every size, float32, 64-bit integers and a __proto__ key", () => {
  for (const size of [1, 2, 4, 8, 16, 3, 300]) {
    const data = new Uint8Array(size).fill(7);
    const ours = decodeMsgpack(encodeMsgpack(new Extension(12, data)));
    assert.ok(ours instanceof Extension);
    assert.equal(ours.type, 12);
    assert.deepEqual(ours.data, data);
    const fromLibrary = decodeMsgpack(libraryEncode(new ExtData(0, data)));
    assert.ok(fromLibrary instanceof Extension && fromLibrary.type === 0);
  }
  assert.equal(decodeMsgpack(Uint8Array.of(0xca, 0x3f, 0xc0, 0, 0)), 1.5);
  assert.equal(decodeMsgpack(Uint8Array.of(0xcf, 0, 0, 0, 1, 0, 0, 0, 0)), 2 ** 32);
  assert.equal(decodeMsgpack(Uint8Array.of(0xd3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe)), -2);
  const tricky = decodeMsgpack(libraryEncode({ ["__proto__"]: "x" } as Record<string, string>)) as Record<string, Msgpack>;
  assert.deepEqual(Object.keys(tricky), ["__proto__"]);
  assert.equal(Object.getPrototypeOf(tricky), Object.prototype);
  assert.throws(() => decodeMsgpack(Uint8Array.of(0x92, 0x01)), /truncated/);
  assert.throws(() => decodeMsgpack(Uint8Array.of(0x01, 0x02)), /bytes left/);
});

test("protobuf: a diagnostic with an attribute path round-trips, element index 0 included", () => {
  const diagnostic: wire.Diagnostic = {
    severity: wire.Severity.error,
    summary: "port out of range",
    detail: "use 1-65535",
    attribute: { steps: [{ attribute_name: "rule" }, { element_key_int: 0 }, { element_key_string: "k" }] },
  };
  const bytes = encode(wire.Diagnostic, diagnostic);
  // field 1 varint 1; field 2 length 17 "port out of range"
  assert.deepEqual([...bytes.subarray(0, 4)], [0x08, 0x01, 0x12, 17]);
  const back = decode(wire.Diagnostic, bytes);
  assert.equal(back.summary, "port out of range");
  assert.deepEqual(
    back.attribute?.steps.map((s) => [s.attribute_name, s.element_key_string, s.element_key_int]),
    [
      ["rule", "", 0],
      ["", "", 0],
      ["", "k", 0],
    ],
  );
  // The index-0 step carries its oneof member on the wire (tag 0x18, value 0).
  assert.ok(Buffer.from(bytes).includes(Buffer.from([0x18, 0x00])));
});

test("protobuf: maps, negative int64, nested messages and unknown fields skipped", () => {
  const schema: wire.Schema = {
    version: 3,
    block: { attributes: [{ name: "a", type: new TextEncoder().encode('"string"'), required: true }], block_types: [] },
  };
  const response = decode(
    wire.GetProviderSchemaResponse,
    encode(wire.GetProviderSchemaResponse, {
      resource_schemas: new Map([["x_thing", schema]]),
      server_capabilities: { plan_destroy: true, get_provider_schema_optional: false, move_resource_state: false },
    }),
  );
  assert.deepEqual([...response.resource_schemas.keys()], ["x_thing"]);
  assert.equal(response.resource_schemas.get("x_thing")!.version, 3);
  assert.equal(response.resource_schemas.get("x_thing")!.block.attributes[0]!.required, true);
  assert.equal(response.server_capabilities?.plan_destroy, true);

  const negative = encode(wire.UpgradeResourceStateRequest, { type_name: "t", version: -2 });
  assert.equal(decode(wire.UpgradeResourceStateRequest, negative).version, -2);

  // Fields this layer does not know (provider_meta = 6, a fixed64 and a fixed32) are skipped.
  const extra = Buffer.concat([
    Buffer.from(encode(wire.ChangeRequest, { type_name: "t" })),
    Buffer.from([0x32, 0x02, 0x0a, 0x00, 0x49, 1, 2, 3, 4, 5, 6, 7, 8, 0x55, 1, 2, 3, 4]),
  ]);
  const change = decode(wire.ChangeRequest, extra);
  assert.equal(change.type_name, "t");
  assert.equal(change.next_state, undefined);
  assert.deepEqual(change.private, new Uint8Array(0));
});
