data "operationscenter_incus_cluster_members" "edge" {
  cluster = "edge"
}
