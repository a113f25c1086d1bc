resource "operationscenter_incus_cluster_group" "gpu" {
  cluster     = "edge"
  name        = "gpu"
  description = "Members with a GPU"
  members     = ["server02", "server03"]
}
