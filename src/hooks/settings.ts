import {
  DELETION_POLICY_KEY,
  OWNER_KEY,
  PROPERTIES_KEY,
  mergeProperties,
  userPropertyKeys,
} from "./bookkeeping.js";
import { clusterPutOf, updateClusterSettings } from "./cluster-put.js";
import type { HookContext } from "./context.js";
import { requireOwnership } from "./ownership.js";
import type { SettingsSpec } from "./spec.js";

/**
 * Create hook of `<cluster>_settings`: one GET, a three-way merge of the properties, and one
 * PUT with If-Match when anything differs. Fields the code does not set keep their live value.
 */
export async function runSettings(spec: SettingsSpec, context: HookContext): Promise<void> {
  const changed = await updateClusterSettings(
    spec.cluster,
    "update settings",
    (live) => {
      const bookkeeping = requireOwnership(live, spec.owner, spec.construct_path);
      const put = clusterPutOf(live);
      const properties = mergeProperties(live.properties, spec.properties, bookkeeping.properties ?? []);
      properties[OWNER_KEY] = spec.owner;
      properties[DELETION_POLICY_KEY] = spec.deletion_policy;
      properties[PROPERTIES_KEY] = JSON.stringify(userPropertyKeys(spec.properties));
      return {
        connection_url: spec.connection_url ?? put.connection_url,
        channel: spec.channel !== undefined && spec.channel !== "" ? spec.channel : put.channel,
        description: spec.description ?? put.description,
        properties,
        config: spec.config ?? put.config,
      };
    },
    context,
  );
  if (!changed) context.report.note(`${spec.cluster}: settings are up to date`);
}
