data "operationscenter_servers" "ready" {
  status = "ready"
}

output "ready_servers" {
  value = data.operationscenter_servers.ready.names
}
