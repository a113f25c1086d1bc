resource "operationscenter_cluster_iscsi_target" "san" {
  cluster = "edge"
  target  = "iqn.2004-04.com.example:storage.lun1"
  address = "192.0.2.10"
  port    = 3260
}
