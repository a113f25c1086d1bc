resource "operationscenter_cluster_vlan_tags" "storage" {
  cluster        = "edge"
  interface_name = "eth0"
  vlan_tags      = [100, 200]
}
