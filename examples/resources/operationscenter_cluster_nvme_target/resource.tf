resource "operationscenter_cluster_nvme_target" "fabric" {
  cluster   = "edge"
  transport = "tcp"
  address   = "192.0.2.100"
  port      = 8009
}
