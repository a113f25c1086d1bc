// The pure decisions of operationscenter_cluster, without any server.
import assert from "node:assert/strict";
import { test } from "node:test";
import { reconcileMembers } from "../src/provider/resources/cluster/bookkeeping.js";
import { creationChanges, mergeProperties, planMembers, plannedMembership, recordedMembers } from "../src/provider/resources/cluster/decide.js";
import type { ClusterValue } from "../src/provider/resources/cluster/schema.js";
import { UNKNOWN } from "../src/provider/plugin/types.js";

test("planMembers: adds the declared, removes only what this resource managed, unless exclusive", () => {
  const live = ["s1", "s2", "s9"];
  assert.deepEqual(planMembers(live, ["s1", "s3"], ["s1", "s2"], false), { add: ["s3"], remove: ["s2"], foreign: ["s9"] });
  assert.deepEqual(planMembers(live, ["s1", "s3"], ["s1", "s2"], true), { add: ["s3"], remove: ["s2", "s9"], foreign: [] });
  assert.deepEqual(
    planMembers(live, ["s1", "s2"], ["s1", "s2", "s4"], false),
    { add: [], remove: [], foreign: ["s9"] },
    "a recorded server that is no member is not removed",
  );
});

test("mergeProperties: three-way, foreign keys kept", () => {
  assert.deepEqual(mergeProperties({ a: "1", b: "2", f: "x" }, { a: "9", c: "3" }, ["a", "b"]), { a: "9", c: "3", f: "x" });
});

test("creationChanges: per JSON key, null is the default, unknown is not compared", () => {
  const prior = {
    server_type: null,
    services_config: JSON.stringify({ lvm: { enabled: false }, nvme: { enabled: true } }),
    application_config: null,
    template: null,
    template_variables: { SITE: "a" },
  } as unknown as ClusterValue;
  const changes = creationChanges(
    prior,
    {
      server_type: "incus",
      services_config: JSON.stringify({ nvme: { enabled: true }, lvm: { enabled: true }, iscsi: { enabled: false } }),
      application_config: JSON.stringify({}),
      template: null,
      template_variables: UNKNOWN,
    },
    false,
  );
  assert.deepEqual(changes, [{ attribute: "services_config", changed: ["services_config.iscsi", "services_config.lvm"] }]);
  assert.deepEqual(creationChanges(prior, { ...prior, server_type: "migration-manager", template_variables: { SITE: "a" } } as never, true), [
    { attribute: "server_type", changed: ["server_type"] },
    { attribute: "secrets_wo", changed: ["secrets_wo"] },
  ]);
});

test("plannedMembership: the members and properties an update leaves, from the refreshed state", () => {
  const prior = {
    servers: ["s1", "s2"],
    members: ["s1", "s2", "s9"],
    properties: { team: "a", old: "x" },
    properties_all: { team: "a", old: "x", foreign: "kept", "oc-cdktf.io/members": JSON.stringify(["s1", "s2", "s4"]) },
  } as unknown as ClusterValue;
  assert.deepEqual(plannedMembership(prior, ["s1", "s3"], { team: "b" }, false, []), {
    members: ["s1", "s3", "s9"],
    propertiesAll: { team: "b", foreign: "kept", "oc-cdktf.io/members": JSON.stringify(["s1", "s3"]) },
  });
  assert.deepEqual(plannedMembership(prior, ["s1"], {}, true, []).members, ["s1"], "exclusive removes the foreign member too");
});

test("the members record is reconciled with the live members: a name it listed while no member is never this resource's again", () => {
  // s3 was removed, but an interruption left it in the record; a read sees it is no member.
  assert.deepEqual(reconcileMembers(["s1", "s2", "s3"], ["s1", "s2"], []), { own: ["s1", "s2"], stale: ["s3"] });
  // Someone adds s3 back by hand: it stays stale while the record lists it, so it is not this resource's.
  assert.deepEqual(reconcileMembers(["s1", "s2", "s3"], ["s1", "s2", "s3"], ["s3"]), { own: ["s1", "s2"], stale: ["s3"] });
  assert.deepEqual(recordedMembers(["s1", "s2"], { "oc-cdktf.io/members": JSON.stringify(["s1", "s2", "s3"]) }, ["s1", "s2", "s3"], ["s3"]), ["s1", "s2"]);
  // A member the record lists that joined before an interruption is this resource's.
  assert.deepEqual(recordedMembers(["s1"], { "oc-cdktf.io/members": JSON.stringify(["s1", "s4"]) }, ["s1", "s4"], []), ["s1", "s4"]);
  // Once the record no longer lists a stale name, it is forgotten.
  assert.deepEqual(reconcileMembers(["s1", "s2"], ["s1", "s2", "s3"], ["s3"]), { own: ["s1", "s2"], stale: [] });
  const prior = {
    servers: ["s1", "s2"],
    members: ["s1", "s2", "s3"],
    properties: null,
    properties_all: { "oc-cdktf.io/members": JSON.stringify(["s1", "s2", "s3"]) },
  } as unknown as ClusterValue;
  assert.deepEqual(plannedMembership(prior, ["s1", "s2"], {}, false, ["s3"]).members, ["s1", "s2", "s3"], "the plan keeps the server it did not add");
});
