resource "operationscenter_cluster_logging_config" "logging" {
  cluster = "edge"
  config  = jsonencode({ syslog = { address = "192.0.2.50", protocol = "udp" } })
}
