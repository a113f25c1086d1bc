resource "operationscenter_incus_cluster_settings" "edge" {
  cluster = "edge"
  config = {
    "cluster.max_voters"        = "3"
    "cluster.offline_threshold" = "30"
  }
}
