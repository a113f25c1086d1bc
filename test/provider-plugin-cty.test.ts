// Unit: the plugin layer's cty codec (src/provider/plugin/cty/), no process: msgpack and JSON values
// by their Terraform type, unknowns, dynamic values, nested blocks, and write-only attributes nulled.

import { test } from "node:test";
import assert from "node:assert/strict";
import { decode, encode, ExtData } from "@msgpack/msgpack";
import { fromJson, fromMsgpack, toMsgpack } from "../src/provider/plugin/cty/codec.js";
import { impliedType, normalize, stateOf } from "../src/provider/plugin/cty/block.js";
import { UNKNOWN } from "../src/provider/plugin/types.js";
import type { Block, CtyType } from "../src/provider/plugin/types.js";

const utf8 = new TextEncoder();

test("unknowns: extension 0 and refined extension 12 decode to UNKNOWN anywhere", () => {
  const type: CtyType = ["object", { a: "string", b: ["list", "number"], c: ["map", "bool"] }];
  const refinement = encode({ 1: true });
  const bytes = encode({ a: new ExtData(0, Uint8Array.of(0)), b: [1, new ExtData(12, refinement)], c: new ExtData(12, refinement) });
  assert.deepEqual(fromMsgpack(bytes, type), { a: UNKNOWN, b: [1, UNKNOWN], c: UNKNOWN });
});

test("unknowns are encoded as extension 0", () => {
  const raw = decode(toMsgpack({ a: UNKNOWN, b: null }, ["object", { a: "string", b: "string" }])) as Record<string, unknown>;
  assert.ok(raw["a"] instanceof ExtData);
  assert.equal((raw["a"] as ExtData).type, 0);
  assert.equal(raw["b"], null);
});

test("numbers arrive as integers, floats or decimal strings", () => {
  const type: CtyType = ["list", "number"];
  assert.deepEqual(fromMsgpack(encode([1, 2.5, "12345678901234567890", "-0.125"]), type), [1, 2.5, Number("12345678901234567890"), -0.125]);
  assert.throws(() => fromMsgpack(encode(["twelve"]), type), /\[0\]: expected "number", got a string/);
});

test("dynamic values travel as [type JSON, value] and come back with the type Terraform sent", () => {
  const sent = encode([utf8.encode(JSON.stringify(["list", "string"])), ["a", "b"]]);
  const value = fromMsgpack(sent, "dynamic");
  assert.deepEqual(value, ["a", "b"]);
  const [typeJson, inner] = decode(toMsgpack(value, "dynamic")) as [Uint8Array, unknown];
  assert.deepEqual(JSON.parse(new TextDecoder().decode(typeJson)), ["list", "string"]);
  assert.deepEqual(inner, ["a", "b"]);

  // A value the provider made up is typed from its shape.
  const [madeType] = decode(toMsgpack({ n: 1, tags: ["x"] }, "dynamic")) as [Uint8Array, unknown];
  assert.deepEqual(JSON.parse(new TextDecoder().decode(madeType)), ["object", { n: "number", tags: ["tuple", ["string"]] }]);
  assert.equal(fromMsgpack(encode(new ExtData(0, Uint8Array.of(0))), "dynamic"), UNKNOWN);
});

test("sets and maps decode to arrays and objects and encode back", () => {
  const type: CtyType = ["object", { labels: ["set", "string"], meta: ["map", "number"], pair: ["tuple", ["string", "bool"]] }];
  const value = { labels: ["x", "y"], meta: { a: 1 }, pair: ["p", true] };
  assert.deepEqual(fromMsgpack(toMsgpack(value, type), type), value);
});

test("objects carry every attribute: missing ones decode and encode as null, unknown names are refused", () => {
  const type: CtyType = ["object", { a: "string", b: "bool" }];
  assert.deepEqual(fromMsgpack(encode({ a: "x" }), type), { a: "x", b: null });
  assert.deepEqual(decode(toMsgpack({ a: "x" }, type)), { a: "x", b: null });
  assert.throws(() => toMsgpack({ a: "x", c: 1 }, type), /c: not an attribute of the schema/);
});

const block: Block = {
  attributes: {
    name: { type: "string", description: "", required: true },
    secret: { type: "string", description: "", optional: true, writeOnly: true },
  },
  blocks: {
    owner: { nesting: "single", block: { attributes: { email: { type: "string", description: "", optional: true } } } },
    rule: {
      nesting: "list",
      block: {
        attributes: {
          port: { type: "number", description: "", required: true },
          key: { type: "string", description: "", optional: true, writeOnly: true },
        },
      },
    },
    peer: { nesting: "set", block: { attributes: { host: { type: "string", description: "", required: true } } } },
  },
};

test("nested blocks: single is an object or null, list and set blocks are [] when absent", () => {
  assert.deepEqual(impliedType(block), [
    "object",
    {
      name: "string",
      secret: "string",
      owner: ["object", { email: "string" }],
      rule: ["list", ["object", { port: "number", key: "string" }]],
      peer: ["set", ["object", { host: "string" }]],
    },
  ]);
  const decoded = fromMsgpack(encode({ name: "n", owner: null, rule: null, peer: [{ host: "h" }] }), impliedType(block));
  assert.deepEqual(normalize(decoded as Record<string, never>, block), {
    name: "n",
    secret: null,
    owner: null,
    rule: [],
    peer: [{ host: "h" }],
  });
});

test("stateOf nulls write-only attributes, nested ones too", () => {
  const state = stateOf({ name: "n", secret: "s", owner: { email: "e" }, rule: [{ port: 1, key: "k" }], peer: [] }, block);
  assert.deepEqual(state, { name: "n", secret: null, owner: { email: "e" }, rule: [{ port: 1, key: null }], peer: [] });
});

test("JSON: stored states decode by the schema, with dynamic {value, type} and missing attributes null", () => {
  const type: CtyType = ["object", { a: "string", n: "number", d: "dynamic", gone: "bool" }];
  const json = utf8.encode(JSON.stringify({ a: "x", n: "1.5", d: { value: ["p"], type: ["list", "string"] }, removed: 1 }));
  assert.deepEqual(fromJson(json, type), { a: "x", n: 1.5, d: ["p"], gone: null });
});
