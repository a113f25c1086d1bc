// The package root: the L2 constructs. The generated L1 bindings are the "./provider" export.
export { OperationsCenter, type OperationsCenterProps, type OperationsCenterRetry } from "./operations-center.js";
export { ClusterTemplate, type ClusterTemplateProps } from "./cluster-template.js";
export { Cluster, deletionPolicies, type ClusterProps, type ClusterRollingRestartConfig, type DeletionPolicy } from "./cluster.js";
export type { ICluster } from "./icluster.js";
export type { DependentDeletionPolicy, DependentDeletionProps } from "./bulk-declarations.js";
export { ClusterVlanTags, type ClusterVlanTagsProps } from "./cluster-vlan-tags.js";
export { ClusterIscsiTarget, type ClusterIscsiTargetProps } from "./cluster-iscsi-target.js";
export { ClusterNvmeTarget, type ClusterNvmeTargetProps } from "./cluster-nvme-target.js";
export { ClusterMultipathTarget, type ClusterMultipathTargetProps } from "./cluster-multipath-target.js";
export { ClusterApplication, type ClusterApplicationName, type ClusterApplicationProps } from "./cluster-application.js";
export { ClusterKernelConfig, type ClusterKernelConfigProps, type KernelConfig } from "./cluster-kernel-config.js";
export { ClusterLoggingConfig, type ClusterLoggingConfigProps, type LoggingConfig } from "./cluster-logging-config.js";
export { IncusClusterSettings, type IncusClusterSettingsProps } from "./incus-cluster-settings.js";
export { IncusClusterMembers, type IncusClusterMembersProps, type IncusClusterMemberField } from "./incus-cluster-members.js";
export { IncusClusterMember, type IncusClusterMemberProps } from "./incus-cluster-member.js";
export { IncusClusterGroup, type IncusClusterGroupProps } from "./incus-cluster-group.js";
export { ClusterCertificate, type ClusterCertificateProps } from "./cluster-certificate.js";
