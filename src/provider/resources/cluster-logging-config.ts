// operationscenter_cluster_logging_config: the IncusOS remote syslog config of every member of a
// cluster (update_system_logging, a full replacement; incus-os@de27173
// incus-osd/api/system_logging.go). Destroy resets it to the empty config, which turns remote
// logging off.
import { systemLoggingSchema } from "../../config/bulk.js";
import type { ProviderClient } from "../client.js";
import type { Resource } from "../plugin/types.js";
import { systemConfigResource } from "./bulk/system-config.js";

export const clusterLoggingConfigResource: Resource<ProviderClient> = systemConfigResource({
  typeName: "operationscenter_cluster_logging_config",
  description:
    'The remote syslog config of every member of the cluster (`{"syslog": {"address", "protocol", "log_format"}}`), through Operations Center\'s update_system_logging, ' +
    "which replaces the whole config on each member and reverts the members already changed when one fails. Destroy resets every member to the empty config (remote logging off).",
  action: "update_system_logging",
  what: "logging",
  schema: systemLoggingSchema,
  empty: { config: { syslog: { address: "", protocol: "", log_format: "" } } },
  resetMeans: "Remote syslog forwarding is turned off on each member.",
  live: async (api, member) => (await api.incusOS.getSystemConfig(member, "logging")).config,
});
