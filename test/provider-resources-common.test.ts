// The helpers every provider resource shares (src/provider/resources/common/), without a server.
import assert from "node:assert/strict";
import { test } from "node:test";
import { z } from "zod";
import { privateDataCodec } from "../src/provider/resources/common/private-data.js";

test("privateDataCodec: what was encoded decodes; nothing, foreign bytes or another shape read as the empty record", () => {
  const codec = privateDataCodec<{ managed?: number[] }>(z.object({ managed: z.array(z.number()).optional() }), {});
  assert.deepEqual(codec.decode(codec.encode({ managed: [10, 20] })), { managed: [10, 20] });
  assert.deepEqual(codec.decode(new Uint8Array()), {});
  assert.deepEqual(codec.decode(Buffer.from("not json", "utf8")), {});
  assert.deepEqual(codec.decode(Buffer.from(JSON.stringify({ managed: ["10"] }), "utf8")), {}, "a record of another shape is not half read");
  assert.deepEqual(codec.decode(Buffer.from("[1]", "utf8")), {});
});
