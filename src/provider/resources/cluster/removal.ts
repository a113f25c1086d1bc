// Whether Operations Center will remove a member, decided from its inventory before anything is
// changed. Its :evacuate always asks Incus for mode `auto` (operations-center@41a98e0
// internal/provisioning/adapter/incus/client.go, Evacuate): an instance migrates only when every
// device of it can (incus@be7afc5 internal/server/instance/drivers/driver_common.go, canMigrate,
// and each device's CanMigrate in internal/server/device/), the others are stopped and stay
// (cmd/incusd/api_cluster_evacuation.go, evacuateInstancesFunc). :remove-servers then refuses a
// member that still has an instance, or a custom volume other than the backups, images and logs
// volumes Operations Center made (operations-center@41a98e0
// internal/provisioning/cluster/cluster_service.go, RemoveServer). Custom volumes on a member's
// local pool never move.
import type { InventoryImage, InventoryInstance, InventoryStoragePool, InventoryStorageVolume } from "../../../client/api-types.js";

/** Storage drivers Incus reports as remote (incus@be7afc5 internal/server/storage/drivers/, isRemote). */
const REMOTE_DRIVERS = new Set(["ceph", "cephfs", "cephobject", "linstor", "lvmcluster", "truenas"]);
/** Disk sources Incus migrates with any instance (incus@be7afc5 internal/server/device/disk.go, IsSpecialDisk). */
const SPECIAL_DISK_SOURCES = new Set(["cloud-init:config", "agent:config", "tmpfs:", "tmpfs-overlay:"]);
/** Device types whose CanMigrate is always true; every type not handled below cannot migrate. */
const MIGRATABLE_TYPES = new Set(["none", "tpm"]);
/** The custom volumes Operations Center creates on each member and removes with it. */
const OC_VOLUMES = new Set(["backups", "images", "logs"]);

/** Why a device keeps its instance on the member, or undefined when it can migrate. */
function deviceStays(name: string, device: Readonly<Record<string, string>>, poolDrivers: ReadonlyMap<string, string>): string | undefined {
  const type = device.type ?? "";
  if (MIGRATABLE_TYPES.has(type)) return undefined;
  if (type === "disk") {
    if (device.path === "/") return undefined;
    if (SPECIAL_DISK_SOURCES.has(device.source ?? "")) return undefined;
    const pool = device.pool ?? "";
    if (pool !== "") {
      const driver = poolDrivers.get(pool);
      // A pool missing from the inventory cannot be judged; Operations Center decides then.
      if (driver === undefined || REMOTE_DRIVERS.has(driver)) return undefined;
      return `disk "${name}" is on the ${driver} pool "${pool}", local to the member`;
    }
    return `disk "${name}" is the host path ${device.source ?? ""}`;
  }
  if (type === "nic") {
    if ((device.network ?? "") !== "" || device.nictype === "ovn") return undefined;
    return `nic "${name}" (${device.nictype ?? "no nictype"}) is not on a managed network`;
  }
  return `${type === "" ? "device" : `${type} device`} "${name}" cannot migrate`;
}

/** Why `auto` evacuation leaves the instance on its member, or undefined when it migrates. */
export function staysOnEvacuation(instance: InventoryInstance, poolDrivers: ReadonlyMap<string, string>): string | undefined {
  const policy = instance.object.expanded_config["cluster.evacuate"] ?? "auto";
  if (policy !== "auto") return policy === "stop" ? "cluster.evacuate is stop" : undefined;
  for (const name of Object.keys(instance.object.expanded_devices).sort()) {
    const reason = deviceStays(name, instance.object.expanded_devices[name]!, poolDrivers);
    if (reason !== undefined) return reason;
  }
  return undefined;
}

interface MemberInventory {
  instances: readonly InventoryInstance[];
  volumes: readonly InventoryStorageVolume[];
  pools: readonly InventoryStoragePool[];
  /** The cluster's images. */
  images: readonly InventoryImage[];
  /** Every member this change removes: an image only they hold is lost. */
  removed: readonly string[];
}

/**
 * What will keep Operations Center from removing `member`, one line each: the instances an
 * evacuation leaves on it (all of them once it is evacuated), its custom volumes, and the images
 * no remaining member holds.
 */
export function removalBlockers(member: string, inventory: MemberInventory, evacuated: boolean): string[] {
  const drivers = new Map(inventory.pools.map((pool) => [pool.name, pool.object.driver]));
  const out: string[] = [];
  for (const instance of inventory.instances.filter((i) => i.server === member)) {
    const reason = evacuated ? "it was not moved when the member was evacuated" : staysOnEvacuation(instance, drivers);
    if (reason !== undefined) out.push(`instance ${instance.project_name}/${instance.name} stays on ${member} (${reason})`);
  }
  for (const volume of inventory.volumes.filter((v) => v.server === member && v.type === "custom" && !OC_VOLUMES.has(customName(v.name)))) {
    out.push(`custom volume ${volume.project_name}/${customName(volume.name)} on pool "${volume.parent_name}" stays on ${member}`);
  }
  for (const image of inventory.images) {
    const locations = image.object.locations;
    if (locations.includes(member) && locations.every((location) => inventory.removed.includes(location))) {
      out.push(`image ${image.project_name}/${image.name} is only on ${locations.join(", ")}, which ${locations.length === 1 ? "is" : "are"} being removed`);
    }
  }
  return out;
}

// The inventory names volumes TYPE/NAME (operations-center@41a98e0
// internal/sql/dbschema/schema/000001_freshschema.sql, the resources view) in its aggregate; the
// REST list has the bare name and the type apart. Either form is accepted.
function customName(name: string): string {
  return name.startsWith("custom/") ? name.slice("custom/".length) : name;
}
