// Arguments of the eleven cluster bulk actions. Operations Center checks almost nothing (no VLAN
// range, no transport, no port range) and IncusOS fails late, one member at a time, with a
// rollback; the checks below catch those mistakes before anything is sent.
import { z } from "zod";
import { bulkActions, type BulkAction } from "../client/api-types.js";
import { bool, intInRange, isHost, isHostPort, matching, nonEmptyText, oneOf, satisfying, strictObject, uniqueList } from "./fields.js";
import { alternatives } from "./problems.js";
import { describeValue, didYouMean, expectedMessage } from "./errors.js";
import { ISCSI_DEFAULT_PORT, iscsiTargetSchema, multipathWwnSchema, NVME_TCP_DEFAULT_PORT, nvmeTargetSchema } from "./services.js";

export { ISCSI_DEFAULT_PORT, iscsiTargetSchema, multipathWwnSchema, NVME_TCP_DEFAULT_PORT, nvmeTargetSchema };
export type { IscsiTarget, NvmeTarget } from "./services.js";

/** A VLAN tag on an interface or bond (0 is the priority tag and 4095 reserved, so neither can tag traffic). */
export const vlanTagSchema = intInRange(1, 4094, "a VLAN ID from 1 to 4094");

const maxInterfaceName = 13;

/**
 * An interface or bond name as IncusOS validates it (incus-os@de27173
 * incus-osd/internal/systemd/networkd_validate.go (validateName): not empty, no leading "_", at
 * most 13 bytes) and as Linux names a device (no whitespace, "/" or ":", not "." or "..", no
 * control character: Operations Center looks for a device of that name on each member and
 * refuses the bulk update when one has none, operations-center@41a98e0
 * internal/provisioning/cluster/cluster_service.go (AddServerSystemNetworkVLANTags), and no device
 * can have such a name). It also names the bridge and the `_v<name>`/`_b<name>` devices.
 */
export const interfaceNameSchema = z.string({ error: (iss) => expectedMessage("an interface or bond name", iss.input) }).superRefine((name, ctx) => {
  const fail = (message: string): void => ctx.addIssue({ code: "custom", input: name, message });
  // IncusOS strips the "enx" of USB NIC names (enx<MAC>) before checking the length.
  const counted = Buffer.byteLength(/^enx[0-9a-f]{12}$/i.test(name) ? name.slice(3) : name, "utf8");
  const control = /[\u0000-\u001f\u007f]/.exec(name);
  if (name === "") fail('must not be empty; expected an interface or bond name such as "eth0" or "uplink"');
  else if (name.startsWith("_")) fail(`${describeValue(name)} starts with "_", which IncusOS reserves for the devices it creates`);
  else if (control !== null)
    fail(`${describeValue(name)} contains the control character U+${control[0].charCodeAt(0).toString(16).padStart(4, "0")}; no interface can have that name`);
  else if (counted > maxInterfaceName) fail(`${describeValue(name)} is ${counted} bytes long; IncusOS allows at most ${maxInterfaceName}`);
  else if (/[\s/:]/.test(name) || name === "." || name === "..") fail(`${describeValue(name)} is not a valid interface name: no spaces, "/" or ":"`);
});

const vlanTagsArgumentsSchema = strictObject({
  interface_name: interfaceNameSchema,
  vlan_tags: uniqueList(vlanTagSchema, "VLAN ID", { nonEmpty: true }),
});

/** Syslog target as systemd-netlogd takes it: host or IP with an optional port. */
function isSyslogAddress(value: string): boolean {
  return isHost(value) || isHostPort(value);
}

/** IncusOS' SystemLogging; a PUT replaces it whole, so `address` must be given ("" turns remote logging off). */
export const systemLoggingSchema = strictObject({
  config: strictObject({
    syslog: strictObject({
      address: satisfying(
        (v) => v === "" || isSyslogAddress(v),
        'the syslog server as IP, IP:port or host:port (e.g. "10.0.0.9:514"), or "" to turn remote logging off',
      ),
      protocol: oneOf(["", "udp", "tcp", "tls", "dtls"], `${alternatives(["udp", "tcp", "tls", "dtls"])}, or "" for udp`).optional(),
      log_format: oneOf(["", "rfc5424", "rfc3339"], `${alternatives(["rfc5424", "rfc3339"])}, or "" for rfc5424`).optional(),
    }),
  }),
});
export type SystemLogging = z.infer<typeof systemLoggingSchema>;

const count = (what: string) => intInRange(0, Number.MAX_SAFE_INTEGER, what);
const pciId = (what: string) =>
  matching(/^[0-9A-Fa-f]{4}$/, `${what}: 4 hex digits without "0x", such as "10de"`, (input) =>
    /^0x[0-9A-Fa-f]{4}$/i.test(input) ? `; did you mean ${JSON.stringify(input.slice(2))}?` : "",
  );
const pciAddress = matching(
  /^[0-9A-Fa-f]{4}:[0-9A-Fa-f]{2}:[01][0-9A-Fa-f]\.[0-7]$/,
  'a PCI address such as "0000:04:00.0" (domain:bus:device.function)',
  (input) => (/^[0-9A-Fa-f]{2}:[01][0-9A-Fa-f]\.[0-7]$/.test(input) ? `; did you mean ${JSON.stringify(`0000:${input}`)}?` : ""),
);

const scalingGovernors = ["conservative", "ondemand", "performance", "powersave", "schedutil", "userspace"] as const;

/** IncusOS' SystemKernel; a PUT replaces it whole on every member. */
export const systemKernelSchema = strictObject({
  config: strictObject({
    console: z
      .array(
        strictObject({ device: nonEmptyText('a console device such as "ttyS0"'), baud_rate: intInRange(1, 4000000, "a baud rate such as 115200").optional() }),
      )
      .optional(),
    blacklist_modules: z.array(matching(/^[A-Za-z0-9_-]+$/, 'a kernel module name such as "nouveau"')).optional(),
    cpu: strictObject({ scaling_governor: oneOf(scalingGovernors).optional() }).optional(),
    memory: strictObject({
      persistent_hugepages: count("a number of huge pages (0 or more)").optional(),
      zram_swap_size: matching(
        /^(?:|0|\d+(?:\.\d+)?\s?(?:B|kB|KB|MB|GB|TB|PB|EB|KiB|MiB|GiB|TiB|PiB|EiB))$/,
        'a size such as "4GiB" or "512MiB", "0" to remove zram swap, or "" to leave it unchanged',
      ).optional(),
    }).optional(),
    network: strictObject({
      buffer_size: count("a buffer size in bytes (0 or more)").optional(),
      netdev_max_backlog: count("a packet count (0 or more; 0 means 1000)").optional(),
      queuing_discipline: matching(/^[a-z][a-z0-9_]*$/, 'a queuing discipline such as "fq", "fq_codel" or "cake"').optional(),
      tcp_congestion_algorithm: matching(/^[a-z][a-z0-9_]*$/, 'a TCP congestion control algorithm such as "bbr" or "cubic"').optional(),
      tcp_mtu_probing: bool().optional(),
    }).optional(),
    pci: strictObject({
      passthrough: z
        .array(strictObject({ vendor_id: pciId("a PCI vendor ID"), product_id: pciId("a PCI product ID"), pci_address: pciAddress.optional() }))
        .optional(),
      sriov: z.array(strictObject({ pci_address: pciAddress, vf_count: count("a number of virtual functions (0 or more)") })).optional(),
    }).optional(),
  }),
});
export type SystemKernel = z.infer<typeof systemKernelSchema>;

/** IncusOS' applications (incus-osd `Supported`): a primary one is chosen at install time and cannot be added later. */
export const primaryApplications = ["incus", "incus-lts-7.0", "migration-manager", "operations-center"] as const;
const secondaryApplications = ["debug", "gpu-support", "incus-ceph", "incus-linstor", "openfga"] as const;

export const applicationNameSchema = z.enum(secondaryApplications, {
  error: (iss) => {
    const valid = [...secondaryApplications];
    if (typeof iss.input === "string" && (primaryApplications as readonly string[]).includes(iss.input)) {
      return `"${iss.input}" is a primary application, chosen when a server is installed; add_application takes one of ${valid.join(", ")}`;
    }
    return `${expectedMessage(`one of ${valid.join(", ")}`, iss.input)}${didYouMean(iss.input, valid)}`;
  },
});

const applicationArgumentsSchema = strictObject({ name: applicationNameSchema });
const multipathArgumentsSchema = strictObject({ wwn: multipathWwnSchema });

/** The `arguments` schema of each bulk action. */
export const bulkArgumentSchemas = {
  add_network_interface_vlan_tags: vlanTagsArgumentsSchema,
  remove_network_interface_vlan_tags: vlanTagsArgumentsSchema,
  update_system_logging: systemLoggingSchema,
  update_system_kernel: systemKernelSchema,
  add_application: applicationArgumentsSchema,
  add_iscsi_storage_target: iscsiTargetSchema,
  remove_iscsi_storage_target: iscsiTargetSchema,
  add_multipath_storage_target: multipathArgumentsSchema,
  remove_multipath_storage_target: multipathArgumentsSchema,
  add_nvme_storage_target: nvmeTargetSchema,
  remove_nvme_storage_target: nvmeTargetSchema,
} as const satisfies { [A in BulkAction]: z.ZodType };

export type BulkArguments<A extends BulkAction = BulkAction> = z.infer<(typeof bulkArgumentSchemas)[A]>;
export type ApplicationArguments = BulkArguments<"add_application">;

export function isBulkAction(name: string): name is BulkAction {
  return (bulkActions as readonly string[]).includes(name);
}

/** "unknown bulk action ...; did you mean ...?" for a name that is not one of the eleven. */
export function unknownBulkActionMessage(name: string): string {
  return `unknown bulk action ${JSON.stringify(name)}: valid actions are ${bulkActions.join(", ")}${didYouMean(name, bulkActions)}`;
}
