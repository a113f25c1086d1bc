resource "operationscenter_cluster_template" "rack" {
  name            = "rack"
  description     = "A rack with shared LVM"
  services_config = <<-YAML
    lvm:
      enabled: @LVM_ENABLED@
  YAML
  variables = {
    LVM_ENABLED = { description = "Enable the shared LVM service", default = "true" }
  }
}
