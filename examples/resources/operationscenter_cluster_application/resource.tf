resource "operationscenter_cluster_application" "gpu" {
  cluster = "edge"
  name    = "gpu-support"
}
