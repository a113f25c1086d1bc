// Storage targets as one member's IncusOS service config holds them (incus-os@de27173
// incus-osd/api/service_iscsi.go, service_nvme.go, service_multipath.go): `targets` of iscsi and
// nvme, `wwns` of multipath. Equality is whole-item, as Operations Center's: the same IQN at
// another port is another target.
import type { OperationsCenterClient } from "../../../client/client.js";

export type StorageService = "iscsi" | "nvme" | "multipath";

export interface ServiceList<T> {
  readonly service: StorageService;
  readonly listKey: "targets" | "wwns";
  /** A live list element in the item's form, or undefined when it is not one. */
  fromLive(element: unknown): T | undefined;
  same(a: T, b: T): boolean;
  toLive(item: T): unknown;
}

async function liveConfig(api: OperationsCenterClient, member: string, service: StorageService): Promise<Record<string, unknown>> {
  return (await api.incusOS.getService(member, service)).config;
}

function elements(config: Record<string, unknown>, key: string): unknown[] {
  const list = config[key];
  return Array.isArray(list) ? list : [];
}

export async function memberHas<T>(api: OperationsCenterClient, member: string, list: ServiceList<T>, item: T): Promise<boolean> {
  const config = await liveConfig(api, member, list.service);
  return elements(config, list.listKey).some((element) => {
    const live = list.fromLive(element);
    return live !== undefined && list.same(live, item);
  });
}

/** Appends the item and enables the service, as Operations Center's add does on each member. */
export async function addOnMember<T>(api: OperationsCenterClient, member: string, list: ServiceList<T>, item: T): Promise<void> {
  const config = await liveConfig(api, member, list.service);
  await api.incusOS.putService(member, list.service, { ...config, enabled: true, [list.listKey]: [...elements(config, list.listKey), list.toLive(item)] });
}

/** Drops the item and leaves everything else of the service config as it is. */
export async function removeFromMember<T>(api: OperationsCenterClient, member: string, list: ServiceList<T>, item: T): Promise<void> {
  const config = await liveConfig(api, member, list.service);
  const kept = elements(config, list.listKey).filter((element) => {
    const live = list.fromLive(element);
    return live === undefined || !list.same(live, item);
  });
  await api.incusOS.putService(member, list.service, { ...config, [list.listKey]: kept });
}

export function objectOf(element: unknown): Record<string, unknown> | undefined {
  return element !== null && typeof element === "object" && !Array.isArray(element) ? (element as Record<string, unknown>) : undefined;
}
