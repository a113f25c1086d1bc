// The kernel and logging config resources against the local Operations Center: a full
// replacement with one bulk call, no call when every member already has it, drift on one
// member, validation naming the field, and the reset to the empty config on destroy.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { ObjectValue } from "../src/provider/plugin/types.js";
import { clusterKernelConfigResource } from "../src/provider/resources/cluster-kernel-config.js";
import { clusterLoggingConfigResource } from "../src/provider/resources/cluster-logging-config.js";
import { CLUSTER, errors, withBulk } from "./fixtures/provider/bulk.js";

const BULK = `POST /1.0/provisioning/clusters/${CLUSTER}/:bulk-update 200`;
const KERNEL = { blacklist_modules: ["nouveau"], network: { buffer_size: 33554432, queuing_discipline: "fq" } };
const configured = (config: unknown): ObjectValue => ({
  id: null,
  cluster: CLUSTER,
  config: JSON.stringify(config),
  servers: null,
  deletion_policy: null,
  members: null,
});

test("kernel: one update_system_kernel; no call when unchanged; drift on a member is planned; destroy resets to {}", () =>
  withBulk(clusterKernelConfigResource, async (t) => {
    const step = await t.converge(null, configured(KERNEL));
    assert.deepEqual(errors(step.diagnostics), []);
    assert.deepEqual(await t.calls(), [`${BULK} {"action":"update_system_kernel","arguments":{"config":${JSON.stringify(KERNEL)}}}`]);
    assert.deepEqual(t.server("server03").incusos.kernel.blacklist_modules, ["nouveau"]);

    const refreshed = (await t.refresh(step.state!))!;
    assert.deepEqual(refreshed, step.state);
    const again = await t.converge(refreshed, configured(KERNEL));
    assert.deepEqual(again.plan.planned, refreshed);
    assert.deepEqual(await t.calls(), []);

    await t.other.request("PUT", "/1.0/provisioning/servers/server02/os/1.0/system/kernel", { body: { config: {} } });
    await t.calls();
    const drifted = (await t.refresh(step.state!))!;
    assert.deepEqual(drifted.members, ["server01", "server03"]);
    assert.equal(drifted.config, "{}");
    const repaired = await t.converge(drifted, configured(KERNEL));
    assert.deepEqual(errors(repaired.diagnostics), []);
    assert.equal((await t.calls()).length, 1);

    const destroyed = await t.converge(repaired.state, null);
    assert.deepEqual(errors(destroyed.diagnostics), []);
    assert.match(destroyed.diagnostics[0]!.summary, /kernel config of every member of cluster "alpha" will be reset/);
    assert.deepEqual(await t.calls(), [`${BULK} {"action":"update_system_kernel","arguments":{"config":{}}}`]);
    assert.equal(t.server("server01").incusos.kernel.blacklist_modules, undefined);
  }));

test("kernel validation names the field; logging resets to remote logging off", () =>
  withBulk(clusterLoggingConfigResource, async (t) => {
    const bad = await clusterKernelConfigResource.validate!({
      config: configured({ pci: { passthrough: [{ vendor_id: "0x10de", product_id: "1eb8" }] } }),
      capabilities: { writeOnlyAttributesAllowed: true, deferralAllowed: false },
    });
    assert.match(bad.map((d) => d.summary).join("\n"), /config pci\.passthrough\.0\.vendor_id: .*did you mean "10de"/);
    assert.deepEqual(bad[0]!.path, ["config"]);
    const notJson = await clusterKernelConfigResource.validate!({
      config: { ...configured({}), config: "{" },
      capabilities: { writeOnlyAttributesAllowed: true, deferralAllowed: false },
    });
    assert.match(notJson[0]!.summary, /config is not JSON/);

    const syslog = { syslog: { address: "192.0.2.9:514", protocol: "tcp", log_format: "rfc5424" } };
    const step = await t.converge(null, configured(syslog));
    assert.deepEqual(errors(step.diagnostics), []);
    assert.deepEqual(t.server("server02").incusos.logging, syslog);
    await t.calls();
    await t.converge(step.state, null);
    assert.deepEqual(await t.calls(), [
      `${BULK} {"action":"update_system_logging","arguments":{"config":{"syslog":{"address":"","protocol":"","log_format":""}}}}`,
    ]);
    assert.equal((t.server("server02").incusos.logging as { syslog: { address: string } }).syslog.address, "");
  }));

test("import reads the first member's live config; a missing cluster is refused", () =>
  withBulk(clusterLoggingConfigResource, async (t) => {
    const syslog = { syslog: { address: "192.0.2.9:514", protocol: "udp" } };
    await t.converge(null, configured(syslog));
    const imported = await clusterLoggingConfigResource.import!(CLUSTER, t.context);
    assert.deepEqual(JSON.parse(String(imported.state.config)), syslog);
    const read = (await t.refresh(imported.state))!;
    assert.deepEqual(read.members, ["server01", "server02", "server03"]);
    await assert.rejects(clusterLoggingConfigResource.import!("nope", t.context), /cluster "nope" does not exist/);
    await assert.rejects(
      clusterLoggingConfigResource.import!(`${CLUSTER}/eth0`, t.context),
      /^DiagnosticError: Cannot import operationscenter_cluster_logging_config "alpha\/eth0": the id must be CLUSTER$/,
    );
  }));
