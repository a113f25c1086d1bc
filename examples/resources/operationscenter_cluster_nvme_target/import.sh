terraform import operationscenter_cluster_nvme_target.fabric edge/tcp/192.0.2.100/8009
