terraform import operationscenter_cluster_iscsi_target.san edge/iqn.2004-04.com.example:storage.lun1/192.0.2.10/3260
