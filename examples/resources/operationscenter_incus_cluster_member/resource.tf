resource "operationscenter_incus_cluster_member" "server01" {
  cluster        = "edge"
  member         = "server01"
  failure_domain = "rack-1"
}
