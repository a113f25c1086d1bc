// Unit: the arguments of each cluster bulk action (src/config/bulk.ts), no server: the documented
// payloads, VLAN tags and interface names, kernel and logging fields, applications, storage targets.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { bulkActions, type BulkAction } from "../src/client/api-types.js";
import { applicationNameSchema, interfaceNameSchema, vlanTagSchema } from "../src/config/bulk.js";
import { bulkArgumentSchemas, checkConfigText, formatProblem } from "../src/config/index.js";
import { collectProblems } from "../src/config/problems.js";
import { fixtureText } from "./fixtures/config/fixtures.js";

function check(action: BulkAction, name: string) {
  return checkConfigText(bulkArgumentSchemas[action], fixtureText(`bulk/${name}`), name);
}

function problems(action: BulkAction, name: string): string[] {
  const result = check(action, name);
  assert.equal(result.ok, false, `${name} should not validate`);
  return result.ok ? [] : result.problems.map(formatProblem);
}

function problemsOf(action: BulkAction, value: unknown): string[] {
  const result = collectProblems(bulkArgumentSchemas[action], value, { file: action });
  return result.ok ? [] : result.problems.map(formatProblem);
}

describe("bulk action arguments", () => {
  it("has a schema for each of the eleven actions", () => {
    assert.deepEqual(Object.keys(bulkArgumentSchemas).sort(), [...bulkActions].sort());
  });

  it("accepts every documented payload that has no placeholder", () => {
    const documented: BulkAction[] = [
      "add_network_interface_vlan_tags",
      "remove_network_interface_vlan_tags",
      "update_system_logging",
      "update_system_kernel",
      "add_application",
    ];
    for (const action of documented) assert.ok(check(action, `${action}.seed.json`).ok, action);
    assert.deepEqual(check("update_system_kernel", "update_system_kernel.seed.json"), {
      ok: true,
      value: {
        config: {
          blacklist_modules: ["bad-module"],
          network: { buffer_size: 33554432, queuing_discipline: "fq", tcp_congestion_algorithm: "bbr" },
          pci: { passthrough: [{ pci_address: "0000:04:00.0", product_id: "1050", vendor_id: "1af4" }] },
        },
      },
    });
  });

  it("accepts the storage target payloads once the documentation's empty placeholders are filled in", () => {
    for (const action of bulkActions.filter((a) => a.endsWith("_storage_target"))) {
      assert.ok(check(action, `${action}.json`).ok, action);
    }
  });

  it("rejects the documentation's empty placeholders with a message saying what belongs there", () => {
    assert.deepEqual(problems("add_iscsi_storage_target", "add_iscsi_storage_target.seed.json"), [
      'add_iscsi_storage_target.seed.json:2:13: target: expected an iSCSI target name such as "iqn.2004-10.org.example:storage1" (iqn., eui. or naa. form), got ""',
      'add_iscsi_storage_target.seed.json:3:14: address: expected the portal\'s IP address or host name, got ""',
    ]);
    assert.deepEqual(problems("remove_multipath_storage_target", "remove_multipath_storage_target.seed.json"), [
      'remove_multipath_storage_target.seed.json:2:10: wwn: expected a WWN as in /dev/disk/by-id/wwn-<WWN>: "0x" and 16 or 32 lower-case hex digits, no colons, got ""',
    ]);
    assert.deepEqual(problems("add_nvme_storage_target", "add_nvme_storage_target.seed.json"), [
      'add_nvme_storage_target.seed.json:3:14: address: expected the target\'s IP address or host name, got ""',
    ]);
  });

  it("checks VLAN tags and the interface name although the server does not", () => {
    assert.deepEqual(problems("add_network_interface_vlan_tags", "add_network_interface_vlan_tags.bad.json"), [
      'add_network_interface_vlan_tags.bad.json:2:21: interface_name: "_eth0" starts with "_", which IncusOS reserves for the devices it creates',
      "add_network_interface_vlan_tags.bad.json:3:22: vlan_tags[1]: expected a VLAN ID from 1 to 4094, got 4095",
      "add_network_interface_vlan_tags.bad.json:3:28: vlan_tags[2]: duplicate VLAN ID 100 (same as entry 0)",
    ]);
    assert.deepEqual(problemsOf("remove_network_interface_vlan_tags", { interface_name: "enp5s0f0np0abc", vlan_tags: [] }), [
      'remove_network_interface_vlan_tags: interface_name: "enp5s0f0np0abc" is 14 bytes long; IncusOS allows at most 13',
      "remove_network_interface_vlan_tags: vlan_tags: expected at least one VLAN ID, got an empty list",
    ]);
    assert.deepEqual(problemsOf("add_network_interface_vlan_tags", { interface_name: "eth0", vlan_tags: [100.5, "200"] }), [
      "add_network_interface_vlan_tags: vlan_tags[0]: expected a VLAN ID from 1 to 4094, got 100.5",
      'add_network_interface_vlan_tags: vlan_tags[1]: expected a VLAN ID from 1 to 4094, got "200"',
    ]);
  });

  it("counts a USB NIC name without its enx prefix, as IncusOS does", () => {
    assert.equal(interfaceNameSchema.safeParse("enx001122334455").success, true);
    assert.equal(vlanTagSchema.safeParse(4094).success, true);
  });

  it("checks the kernel object's real fields", () => {
    assert.deepEqual(problems("update_system_kernel", "update_system_kernel.bad.json"), [
      "update_system_kernel.bad.json:3:33: config.network.buffer_size: expected a buffer size in bytes (0 or more), got -1",
      'update_system_kernel.bad.json:3:37: config.network.tcp_congestion: unknown field "tcp_congestion": valid fields are buffer_size, netdev_max_backlog, queuing_discipline, tcp_congestion_algorithm, tcp_mtu_probing; did you mean "tcp_congestion_algorithm"?',
      'update_system_kernel.bad.json:4:45: config.pci.passthrough[0].vendor_id: expected a PCI vendor ID: 4 hex digits without "0x", such as "10de", got "0x10de"; did you mean "10de"?',
    ]);
  });

  it("checks the logging object's real fields", () => {
    assert.deepEqual(problems("update_system_logging", "update_system_logging.bad.json"), [
      'update_system_logging.bad.json:3:56: config.syslog.protocol: expected one of "udp", "tcp", "tls", "dtls", or "" for udp, got "TCP"; did you mean "tcp"?',
    ]);
    assert.deepEqual(problemsOf("update_system_logging", { config: { syslog: { protocol: "udp" } } }), [
      'update_system_logging: config.syslog.address: missing; expected the syslog server as IP, IP:port or host:port (e.g. "10.0.0.9:514"), or "" to turn remote logging off',
    ]);
  });

  it("only adds non-primary applications from IncusOS' list", () => {
    assert.deepEqual(problems("add_application", "add_application.primary.json"), [
      'add_application.primary.json:1:11: name: "incus" is a primary application, chosen when a server is installed; add_application takes one of debug, gpu-support, incus-ceph, incus-linstor, openfga',
    ]);
    assert.deepEqual(problemsOf("add_application", { name: "gpu-suport" }), [
      'add_application: name: expected one of debug, gpu-support, incus-ceph, incus-linstor, openfga, got "gpu-suport"; did you mean "gpu-support"?',
    ]);
    assert.equal(applicationNameSchema.safeParse("openfga").success, true);
  });

  it("keeps NVMe port and host_address to the transport that uses them", () => {
    assert.deepEqual(problems("add_nvme_storage_target", "add_nvme_storage_target.fc-port.json"), [
      'add_nvme_storage_target.fc-port.json:4:11: port: applies to transport "tcp" only (Fibre Channel ignores it); remove it',
    ]);
    assert.deepEqual(
      problemsOf("remove_nvme_storage_target", { transport: "tcp", address: "10.0.0.9", host_address: "nn-0x20000090fa000001:pn-0x10000090fa000001" }),
      [
        'remove_nvme_storage_target: port: missing; expected a TCP port from 1 to 65535 (required for transport "tcp"; 8009 is the discovery port, 4420 the I/O port)',
        'remove_nvme_storage_target: host_address: applies to transport "fc" only; remove it',
      ],
    );
  });

  it("checks iSCSI ports and multipath WWNs", () => {
    assert.deepEqual(problemsOf("add_iscsi_storage_target", { target: "iqn.2004-10.org.example:storage1", address: "[fd00::5]", port: 0 }), [
      'add_iscsi_storage_target: address: expected the portal\'s IP address or host name, got "[fd00::5]"; write an IPv6 address without brackets',
      "add_iscsi_storage_target: port: expected a TCP port from 1 to 65535 (iSCSI normally uses 3260), got 0",
    ]);
    assert.deepEqual(problemsOf("add_multipath_storage_target", { wwn: "50:00:c5:00:a1:b2:c3:d4" }), [
      'add_multipath_storage_target: wwn: expected a WWN as in /dev/disk/by-id/wwn-<WWN>: "0x" and 16 or 32 lower-case hex digits, no colons, got "50:00:c5:00:a1:b2:c3:d4"; did you mean "0x5000c500a1b2c3d4"?',
    ]);
  });
});
