export { OperationsCenter, type OperationsCenterProps, type HookResourceType } from "./operations-center.js";
export { ClusterTemplate, type ClusterTemplateProps } from "./cluster-template.js";
export { Cluster, type ClusterProps, type ClusterRollingRestartConfig } from "./cluster.js";
export { HookResource, type HookResourceProps, type DestroyHook } from "./hook-resource.js";
export type { DeletionPolicy } from "../src/hooks/spec.js";
