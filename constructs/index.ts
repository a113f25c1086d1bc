// The package root: the L2 constructs. The generated L1 bindings are the "./provider" export.
export { OperationsCenter, type OperationsCenterProps } from "./operations-center.js";
export { ClusterTemplate, type ClusterTemplateProps } from "./cluster-template.js";
export { Cluster, deletionPolicies, type ClusterProps, type ClusterRollingRestartConfig, type DeletionPolicy } from "./cluster.js";
export type { ICluster } from "./icluster.js";
