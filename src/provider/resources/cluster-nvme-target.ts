// operationscenter_cluster_nvme_target: one NVMe-oF target on every member of a cluster
// (add_/remove_nvme_storage_target; the service config: incus-os@de27173
// incus-osd/api/service_nvme.go). A change of any field is a replace.
import { NVME_TCP_DEFAULT_PORT, nvmeTargetSchema, type NvmeTarget } from "../../config/bulk.js";
import type { ProviderClient } from "../client.js";
import type { ObjectValue, Resource } from "../plugin/types.js";
import { schemaProblems } from "./bulk/common.js";
import { memberItemResource } from "./bulk/member-item.js";
import { runBulkAction } from "./bulk/run.js";
import { addOnMember, memberHas, objectOf, removeFromMember, type ServiceList } from "./bulk/service-targets.js";
import { hasUnknown, knownString } from "./values.js";

const text = (v: unknown): string => (typeof v === "string" ? v : "");

const nvmeList: ServiceList<NvmeTarget> = {
  service: "nvme",
  listKey: "targets",
  fromLive(element) {
    const o = objectOf(element);
    if (o === undefined || (o.transport !== "tcp" && o.transport !== "fc")) return undefined;
    const live: NvmeTarget = { transport: o.transport, address: text(o.address), port: typeof o.port === "number" ? o.port : 0 };
    if (text(o.host_address) !== "") live.host_address = text(o.host_address);
    if (text(o.nqn) !== "") live.nqn = text(o.nqn);
    return live;
  },
  same: (a, b) =>
    a.transport === b.transport &&
    a.address === b.address &&
    (a.port ?? 0) === (b.port ?? 0) &&
    (a.host_address ?? "") === (b.host_address ?? "") &&
    (a.nqn ?? "") === (b.nqn ?? ""),
  toLive: (t) => ({ transport: t.transport, address: t.address, port: t.port ?? 0 }),
};

/** The configured or default port; undefined while unknown. */
function portOf(values: ObjectValue): number | undefined {
  const port = values.port;
  if (typeof port === "number") return port;
  if (port !== null && port !== undefined) return undefined;
  return values.transport === "fc" ? 0 : NVME_TCP_DEFAULT_PORT;
}

const describe = (t: NvmeTarget): string => `NVMe target ${t.transport} ${t.address}${t.transport === "tcp" ? `:${t.port ?? 0}` : ""}`;

/** The bulk arguments: Fibre Channel takes no port. */
const argumentsOf = (t: NvmeTarget): NvmeTarget =>
  t.transport === "fc" ? { transport: t.transport, address: t.address } : { transport: t.transport, address: t.address, port: t.port ?? 0 };

export const clusterNvmeTargetResource: Resource<ProviderClient> = memberItemResource<NvmeTarget>({
  typeName: "operationscenter_cluster_nvme_target",
  description:
    "An NVMe over Fabrics target that every member of the cluster connects to (the nvme service's targets). Added with Operations Center's add_nvme_storage_target; " +
    "a member that lacks it while others have it is repaired through its IncusOS endpoint. Any change (a new port, say) is a replace: one remove, then one add. " +
    "Targets added by other means are left alone.",
  attributes: {
    transport: { type: "string", required: true, description: '"tcp" or "fc" (Fibre Channel).' },
    address: { type: "string", required: true, description: 'TCP: the target\'s IP address or host name. FC: "nn-0x<WWNN>:pn-0x<WWPN>".' },
    port: {
      type: "number",
      optional: true,
      computed: true,
      description: `TCP only: the port. Default ${NVME_TCP_DEFAULT_PORT}, the discovery port (IncusOS discovers the subsystems there).`,
    },
  },
  idFormat: "CLUSTER/TRANSPORT/ADDRESS/PORT",
  itemOf(values) {
    const transport = knownString(values.transport);
    const address = knownString(values.address);
    const port = portOf(values);
    if ((transport !== "tcp" && transport !== "fc") || address === undefined || port === undefined) return undefined;
    return { transport, address, port };
  },
  problems(config) {
    if (hasUnknown(config.transport) || hasUnknown(config.address) || hasUnknown(config.port)) return [];
    const port = portOf(config);
    return schemaProblems(nvmeTargetSchema, { transport: config.transport, address: config.address, ...(port === 0 ? {} : { port }) }, (path) => [
      String(path[0] ?? "transport"),
    ]);
  },
  valuesOf: (t) => ({ transport: t.transport, address: t.address, port: t.port ?? 0 }),
  idOf: (t) => `${t.transport}/${t.address}/${t.port ?? 0}`,
  parseId([transport, address, port]) {
    const number = Number(port);
    if (transport !== "tcp" && transport !== "fc") return { problem: `the transport "${transport}" is not tcp or fc` };
    return Number.isInteger(number) ? { item: { transport, address: address!, port: number } } : { problem: `the port "${port}" is not a whole number` };
  },
  describe,
  has: (api, member, t) => memberHas(api, member, nvmeList, t),
  bulkAdd: (api, log, cluster, t) => runBulkAction(api, log, cluster, "add_nvme_storage_target", argumentsOf(t), `adding ${describe(t)}`),
  bulkRemove: (api, log, cluster, t) => runBulkAction(api, log, cluster, "remove_nvme_storage_target", argumentsOf(t), `removing ${describe(t)}`),
  addOn: (api, member, t) => addOnMember(api, member, nvmeList, t),
  removeOn: (api, member, t) => removeFromMember(api, member, nvmeList, t),
});
