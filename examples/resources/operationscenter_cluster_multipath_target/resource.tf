resource "operationscenter_cluster_multipath_target" "lun" {
  cluster = "edge"
  wwn     = "0x600a098038303053453f463045727a70"
}
