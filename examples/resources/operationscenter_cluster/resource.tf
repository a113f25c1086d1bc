resource "operationscenter_cluster" "edge" {
  name           = "edge"
  servers        = ["server01", "server02", "server03"]
  connection_url = "https://edge.example.net:8443"
  description    = "Edge cluster"
  properties     = { team = "platform" }

  services_config    = jsonencode({ lvm = { enabled = true } })
  application_config = jsonencode({ config = { "user.ui.title" = "Edge" } })

  deletion_policy = "forget"
}
