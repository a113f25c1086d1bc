import { MEMBERS_KEY } from "./bookkeeping.js";
import { clusterPutOf, updateClusterSettings } from "./cluster-put.js";
import type { HookContext } from "./context.js";
import { requireOwnership } from "./ownership.js";
import { checkServers } from "./preflight.js";
import { HookError } from "./report.js";
import type { MembersSpec } from "./spec.js";

const EVACUATED = 2;
const EVACUATION_POLL_MS = 2_000;

/** How long a member may take to evacuate: `OC_CDKTF_EVACUATION_TIMEOUT` seconds, default 30 min. */
function evacuationTimeoutMs(env: NodeJS.ProcessEnv): number {
  const seconds = Number(env.OC_CDKTF_EVACUATION_TIMEOUT ?? "1800");
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 1_800_000;
}

/**
 * Incus moves the member's instances away before the member counts as evacuated, and
 * :remove-servers refuses a member that is not; so wait until Operations Center reports it.
 */
async function waitForEvacuation(name: string, { client, report, env }: HookContext): Promise<void> {
  const timeoutMs = evacuationTimeoutMs(env);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const server = await report.read(name, "check evacuation", () => client.getServer(name));
    const state = server.server.version_data?.in_maintenance ?? 0;
    if (state === EVACUATED) return;
    if (Date.now() >= deadline) {
      throw new HookError(
        `server "${name}" is still not evacuated (in_maintenance ${state}) after ${timeoutMs / 1000} s; ` +
          `check its instances in Incus, or raise OC_CDKTF_EVACUATION_TIMEOUT (seconds)`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, EVACUATION_POLL_MS));
  }
}

/**
 * Create hook of `<cluster>_members`: adds declared servers that are not members (one
 * :add-servers), then removes members this tool added before and no longer declares (evacuate
 * each, then one :remove-servers). Members added by others are left alone and reported.
 */
export async function runMembers(spec: MembersSpec, context: HookContext): Promise<void> {
  const { client, report } = context;
  const read = await report.read(spec.cluster, "read cluster", () => client.getCluster(spec.cluster));
  const { cluster } = read;
  const bookkeeping = requireOwnership(cluster, spec.owner, spec.construct_path);
  const servers = await report.read("servers", "list registered servers", () => client.listServers());
  const current = servers.filter((s) => s.cluster === spec.cluster).map((s) => s.name);
  const lastApplied = bookkeeping.members ?? current;
  const toAdd = spec.server_names.filter((n) => !current.includes(n));
  const toRemove = lastApplied.filter((n) => current.includes(n) && !spec.server_names.includes(n));
  const foreign = current.filter((n) => !spec.server_names.includes(n) && !lastApplied.includes(n));
  if (foreign.length > 0) {
    report.note(`${spec.cluster}: drift: member(s) ${foreign.join(", ")} were added outside this stack and are left alone`);
  }

  const problems = checkServers(toAdd, servers, { channel: cluster.channel, sameIncus: false });
  if (problems.length > 0) {
    throw new HookError(
      `${spec.construct_path}: Operations Center would refuse to add servers to cluster "${spec.cluster}":\n  - ${problems.join("\n  - ")}`,
      `cluster "${spec.cluster}" is unchanged`,
    );
  }
  const toEvacuate = toRemove.filter(
    (n) => (servers.find((s) => s.name === n)?.version_data?.in_maintenance ?? 0) !== EVACUATED,
  );
  const recordChange = (bookkeeping.members ?? []).join("\n") !== spec.server_names.join("\n");
  report.plan((toAdd.length > 0 ? 1 : 0) + toEvacuate.length + (toRemove.length > 0 ? 1 : 0) + (recordChange ? 1 : 0));

  if (toAdd.length > 0) {
    try {
      await report.change(spec.cluster, `add ${toAdd.join(", ")}`, () =>
        client.addClusterServers(spec.cluster, { server_names: toAdd, copy_services_config: spec.copy_services_config }),
      );
    } catch (err) {
      const now = await client.listServers({ cluster: spec.cluster }).catch(() => undefined);
      const state =
        now === undefined
          ? `the members of "${spec.cluster}" could not be read back`
          : `"${spec.cluster}" has members ${now.map((s) => s.name).join(", ")}; nothing was removed`;
      throw HookError.wrap(err, state);
    }
  }
  if (toRemove.length > 0) {
    const added = toAdd.length > 0 ? `${toAdd.join(", ")} joined; ` : "";
    try {
      for (const name of toEvacuate) {
        await report.change(name, "evacuate (Operations Center removes only evacuated members)", () =>
          client.evacuateServer(name),
        );
        await waitForEvacuation(name, context);
      }
      await report.change(spec.cluster, `remove ${toRemove.join(", ")} (Operations Center factory-resets them)`, () =>
        client.removeClusterServers(spec.cluster, toRemove),
      );
    } catch (err) {
      throw HookError.wrap(err, `${added}${toRemove.join(", ")} may be evacuated but still members of "${spec.cluster}"`);
    }
  }
  if (toAdd.length === 0 && toRemove.length === 0) report.note(`${spec.cluster}: members are ${current.join(", ")}: nothing to change`);

  await updateClusterSettings(
    spec.cluster,
    `record members ${spec.server_names.join(", ")}`,
    // No PUT when the recorded members already match: the result then equals the live settings.
    (live) => ({ ...clusterPutOf(live), properties: { ...live.properties, [MEMBERS_KEY]: JSON.stringify(spec.server_names) } }),
    context,
    toAdd.length === 0 && toRemove.length === 0 ? read : undefined,
  );
}
