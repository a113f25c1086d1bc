// Unit: a nested map attribute in the plugin layer (src/provider/plugin/), no process: its schema
// on the wire (tfplugin6 nested_type) and its values through the cty codec.

import { test } from "node:test";
import assert from "node:assert/strict";
import { encode as msgpack, ExtData } from "@msgpack/msgpack";
import { fromMsgpack, toMsgpack } from "../src/provider/plugin/cty/codec.js";
import { impliedType, normalize } from "../src/provider/plugin/cty/block.js";
import { toWireSchema } from "../src/provider/plugin/schema.js";
import { decode, encode } from "../src/provider/plugin/wire/protobuf.js";
import * as wire from "../src/provider/plugin/wire/tfplugin6.js";
import { UNKNOWN, type Block } from "../src/provider/plugin/types.js";
import type { Spec } from "../src/provider/plugin/wire/protobuf.js";

// The schema read back by field numbers from tfplugin6.proto, written out here rather than taken
// from the module under test, so a wrong number there shows.
interface ReadAttribute {
  name: string;
  type?: Uint8Array;
  optional?: boolean;
  nested?: ReadObject;
}
interface ReadObject {
  attributes: ReadAttribute[];
  nesting: number;
}
const ReadAttribute: Spec<ReadAttribute> = {
  name: { no: 1, kind: "string" },
  type: { no: 2, kind: "bytes" },
  optional: { no: 5, kind: "bool" },
  nested: { no: 10, kind: "message", of: () => ReadObject },
};
const ReadObject: Spec<ReadObject> = { attributes: { no: 1, kind: "repeated", of: () => ReadAttribute }, nesting: { no: 3, kind: "enum" } };
const ReadBlock: Spec<{ attributes: ReadAttribute[] }> = { attributes: { no: 2, kind: "repeated", of: () => ReadAttribute } };
const ReadSchema: Spec<{ block: { attributes: ReadAttribute[] } }> = { block: { no: 2, kind: "message", of: () => ReadBlock } };

// A map of objects whose two attributes a configuration may each leave out.
const block: Block = {
  attributes: {
    name: { type: "string", required: true, description: "The name." },
    entries: {
      nested: {
        nesting: "map",
        attributes: {
          label: { type: "string", optional: true, description: "A label." },
          value: { type: "string", optional: true, description: "A value." },
        },
      },
      optional: true,
      description: "The entries by key.",
    },
  },
};

test("a nested map attribute travels as Schema.Attribute.nested_type (field 10): a Schema.Object with nesting MAP (4) and no type", () => {
  const bytes = encode(wire.Schema, toWireSchema({ version: 0, block }));
  const schema = decode(ReadSchema, bytes);
  const entries = schema.block.attributes.find((a) => a.name === "entries");
  assert.ok(entries?.nested, "entries has a nested_type");
  assert.equal(entries.type?.length ?? 0, 0, "a nested attribute sends no type");
  assert.equal(entries.optional, true);
  assert.equal(entries.nested.nesting, 4);
  assert.deepEqual(
    entries.nested.attributes.map((a) => [a.name, new TextDecoder().decode(a.type), a.optional]),
    [
      ["label", '"string"', true],
      ["value", '"string"', true],
    ],
  );
  const name = schema.block.attributes.find((a) => a.name === "name");
  assert.equal(new TextDecoder().decode(name?.type), '"string"');
});

test("a nested map attribute's value is a map of objects: an attribute left out comes as null, unknowns and a null map pass", () => {
  assert.deepEqual(impliedType(block), ["object", { name: "string", entries: ["map", ["object", { label: "string", value: "string" }]] }]);
  // As Terraform sends a configuration: every attribute of each object present, null when unset.
  const sent = msgpack({ name: "n", entries: { a: { label: "A", value: null }, b: { label: null, value: new ExtData(0, Uint8Array.of(0)) } } });
  const decoded = fromMsgpack(sent, impliedType(block));
  assert.deepEqual(decoded, { name: "n", entries: { a: { label: "A", value: null }, b: { label: null, value: UNKNOWN } } });
  // What the provider hands back may leave an unset attribute out; it travels as null.
  assert.deepEqual(fromMsgpack(toMsgpack({ name: "n", entries: { a: { label: "A" } } }, impliedType(block)), impliedType(block)), {
    name: "n",
    entries: { a: { label: "A", value: null } },
  });
  assert.deepEqual(normalize(fromMsgpack(msgpack({ name: "n", entries: null }), impliedType(block)) as Record<string, never>, block), {
    name: "n",
    entries: null,
  });
});
