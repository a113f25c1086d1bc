// The helpers every provider resource shares (src/provider/resources/common/), without a server.
import assert from "node:assert/strict";
import { test } from "node:test";
import { z } from "zod";
import { OperationsCenterError } from "../src/client/errors.js";
import { DiagnosticError } from "../src/provider/plugin/types.js";
import { importIdError, importIdParts } from "../src/provider/resources/common/import-id.js";
import { ifMatch, retryOnPreconditionFailed } from "../src/provider/resources/common/precondition.js";
import { privateDataCodec } from "../src/provider/resources/common/private-data.js";

test("privateDataCodec: what was encoded decodes; nothing, foreign bytes or another shape read as the empty record", () => {
  const codec = privateDataCodec<{ managed?: number[] }>(z.object({ managed: z.array(z.number()).optional() }), {});
  assert.deepEqual(codec.decode(codec.encode({ managed: [10, 20] })), { managed: [10, 20] });
  assert.deepEqual(codec.decode(new Uint8Array()), {});
  assert.deepEqual(codec.decode(Buffer.from("not json", "utf8")), {});
  assert.deepEqual(codec.decode(Buffer.from(JSON.stringify({ managed: ["10"] }), "utf8")), {}, "a record of another shape is not half read");
  assert.deepEqual(codec.decode(Buffer.from("[1]", "utf8")), {});
});

const failure = (status: number): OperationsCenterError =>
  new OperationsCenterError({
    status,
    method: "PUT",
    path: "/1.0/provisioning/clusters/lab",
    serverMessage: status === 412 ? "Precondition failed" : "Internal error",
  });

/** An attempt that fails with the given statuses in turn, then returns how many times it ran. */
function attempts(...statuses: number[]): { run: () => Promise<number>; count: () => number } {
  let n = 0;
  return {
    run: async () => {
      const status = statuses[n++];
      if (status !== undefined) throw failure(status);
      return n;
    },
    count: () => n,
  };
}

test("retryOnPreconditionFailed: a 412 runs the read-modify-write once more; a second 412 and any other failure are the caller's", async () => {
  const once = attempts(412);
  assert.equal(await retryOnPreconditionFailed(once.run), 2);
  const twice = attempts(412, 412);
  await assert.rejects(retryOnPreconditionFailed(twice.run), (error: unknown) => error instanceof OperationsCenterError && error.status === 412);
  assert.equal(twice.count(), 2, "no third attempt");
  const other = attempts(500);
  await assert.rejects(retryOnPreconditionFailed(other.run), /500 Internal error/);
  assert.equal(other.count(), 1, "only a 412 is retried");
});

test("ifMatch: If-Match only when the read gave an ETag", () => {
  assert.deepEqual(ifMatch("abc"), { ifMatch: "abc" });
  assert.deepEqual(ifMatch(undefined), {});
});

test("importIdParts: as many non-empty parts as the format has; otherwise the error names the format", () => {
  assert.deepEqual(importIdParts("Incus cluster member", "lab/server01", "CLUSTER/MEMBER"), ["lab", "server01"]);
  assert.deepEqual(importIdParts("iSCSI target", "lab/iqn.2004-10.org.example:s1/192.0.2.9/3260", "CLUSTER/TARGET/ADDRESS/PORT"), [
    "lab",
    "iqn.2004-10.org.example:s1",
    "192.0.2.9",
    "3260",
  ]);
  for (const id of ["server01", "lab/", "/server01", "lab/server01/extra", "lab//server01", ""]) {
    assert.throws(
      () => importIdParts("Incus cluster member", id, "CLUSTER/MEMBER"),
      (error: unknown) =>
        error instanceof DiagnosticError &&
        error.diagnostics[0]!.summary === `Cannot import Incus cluster member "${id}": the id must be CLUSTER/MEMBER` &&
        error.diagnostics[0]!.detail === "Give the id as terraform import <address> CLUSTER/MEMBER.",
      id,
    );
  }
});

test("importIdError: a part's problem comes first, then the format", () => {
  const error = importIdError(
    "operationscenter_cluster_nvme_target",
    "lab/udp/192.0.2.9/4420",
    "CLUSTER/TRANSPORT/ADDRESS/PORT",
    'the transport "udp" is not tcp or fc',
  );
  assert.equal(
    error.message,
    'Cannot import operationscenter_cluster_nvme_target "lab/udp/192.0.2.9/4420": the transport "udp" is not tcp or fc; the id must be CLUSTER/TRANSPORT/ADDRESS/PORT',
  );
});
