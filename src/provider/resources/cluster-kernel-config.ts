// operationscenter_cluster_kernel_config: the IncusOS kernel config of every member of a cluster
// (update_system_kernel, a full replacement; incus-os@de27173 incus-osd/api/system_kernel.go).
// Destroy resets it to {}.
import { systemKernelSchema } from "../../config/bulk.js";
import type { ProviderClient } from "../client.js";
import type { Resource } from "../plugin/types.js";
import { systemConfigResource } from "./bulk/system-config.js";

export const clusterKernelConfigResource: Resource<ProviderClient> = systemConfigResource({
  typeName: "operationscenter_cluster_kernel_config",
  description:
    "The kernel config (blacklisted modules, network and memory tuning, PCI passthrough, ...) of every member of the cluster, through Operations Center's update_system_kernel, " +
    "which replaces the whole config on each member and reverts the members already changed when one fails. Destroy resets every member to the empty config. " +
    "Some settings take effect only after a reboot.",
  action: "update_system_kernel",
  what: "kernel",
  schema: systemKernelSchema,
  empty: { config: {} },
  resetMeans: "Blacklisted modules, sysctl tuning and PCI passthrough IDs are dropped on each member; some of it takes effect only after a reboot.",
  live: async (api, member) => (await api.incusOS.getSystemConfig(member, "kernel")).config,
});
