data "operationscenter_cluster" "edge" {
  name = "edge"
}

output "edge_fingerprint" {
  value = data.operationscenter_cluster.edge.fingerprint
}
