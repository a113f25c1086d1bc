resource "operationscenter_cluster_kernel_config" "kernel" {
  cluster = "edge"
  config  = jsonencode({ blacklist_modules = ["nouveau"] })
}
