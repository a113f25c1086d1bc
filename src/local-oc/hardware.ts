// Plausible machine data for a registered server, derived from its hardware profile (seed
// `hardware`) and identity, so that every read of the same server shows the same machine:
// the Incus resources (hardware_data), IncusOS' security and storage state, and what its BMC
// reports (bmc_data). Nothing here is contacted; values only have to look like a real server.

import { createHash } from "node:crypto";
import type { ServerRecord } from "./persisted.js";

type Profile = NonNullable<ServerRecord["hardware"]>;

const DEFAULT_PROFILE: Profile = { vendor: "Supermicro", model: "SYS-1029P-WTR", serial: "S000000X000", cores: 16, memory_gib: 128, disk_gb: 960 };

function profileOf(s: ServerRecord): Profile {
  return s.hardware ?? DEFAULT_PROFILE;
}

function hex(seed: string, length: number): string {
  return createHash("sha256").update(seed).digest("hex").slice(0, length);
}

const GIB = 1024 ** 3;

/** hardware_data: Incus' Resources object for the machine. */
export function hardwareData(s: ServerRecord): Record<string, unknown> {
  const p = profileOf(s);
  const threads = Array.from({ length: p.cores }, (_, core) => ({
    core,
    die: 0,
    cluster: 0,
    frequency: 2400,
    flags: ["fpu", "vme", "sse4_2", "avx2", "aes"],
    threads: [0, 1].map((t) => ({ id: core * 2 + t, numa_node: 0, thread: t, online: true, isolated: false })),
  }));
  const memory = p.memory_gib * GIB;
  const iface = s.incusos.network.interfaces ?? [];
  return {
    cpu: {
      architecture: "x86_64",
      total: p.cores * 2,
      sockets: [
        {
          name: "Intel(R) Xeon(R) Silver 4314 CPU @ 2.40GHz",
          vendor: "GenuineIntel",
          socket: 0,
          frequency: 2400,
          frequency_minimum: 800,
          frequency_turbo: 3400,
          cache: [
            { level: 1, type: "Data", size: 49152 },
            { level: 2, type: "Unified", size: 1310720 },
            { level: 3, type: "Unified", size: 25165824 },
          ],
          cores: threads,
          address_sizes: { physical_bits: 46, virtual_bits: 57 },
        },
      ],
    },
    memory: {
      total: memory,
      used: Math.round(memory * 0.12),
      hugepages_total: 0,
      hugepages_used: 0,
      hugepages_size: 2097152,
      nodes: [{ numa_node: 0, total: memory, used: Math.round(memory * 0.12), hugepages_total: 0, hugepages_used: 0 }],
    },
    gpu: { total: 0, cards: [] },
    network: {
      total: iface.length,
      cards: iface.map((i, n) => ({
        driver: "ice",
        driver_version: "6.12.0",
        firmware_version: "4.40 0x8001c967 1.3534.0",
        numa_node: 0,
        pci_address: `0000:3b:00.${n}`,
        vendor: "Intel Corporation",
        vendor_id: "8086",
        product: "Ethernet Controller E810-XXV for SFP",
        product_id: "159b",
        usb_address: "",
        ports: [
          {
            id: i.name,
            address: i.hwaddr ?? "",
            port: 0,
            protocol: "ethernet",
            supported_modes: ["10000baseT/Full", "25000baseCR/Full"],
            supported_ports: ["fibre"],
            port_type: "fibre",
            transceiver_type: "internal",
            auto_negotiation: true,
            link_detected: true,
            link_speed: 25000,
            link_duplex: "full",
          },
        ],
      })),
    },
    storage: {
      total: 1,
      disks: [
        {
          id: "nvme0n1",
          device: "259:0",
          model: "SAMSUNG MZ1L2960HCJR-00A07",
          type: "nvme",
          read_only: false,
          size: p.disk_gb * 1_000_000_000,
          removable: false,
          wwn: `eui.${hex(`${s.name}wwn`, 16)}`,
          numa_node: 0,
          device_path: "pci-0000:5e:00.0-nvme-1",
          block_size: 4096,
          firmware_version: "GDC7302Q",
          rpm: 0,
          serial: `S6${hex(`${s.name}disk`, 10).toUpperCase()}`,
          device_id: `nvme-eui.${hex(`${s.name}wwn`, 16)}`,
          pci_address: "0000:5e:00.0",
          usb_address: "",
          partitions: [],
        },
      ],
    },
    system: {
      uuid: s.system_uuid,
      vendor: p.vendor,
      product: p.model,
      family: "SMC X12",
      version: "0123456789",
      sku: "To be filled by O.E.M.",
      serial: p.serial,
      type: "physical",
      firmware: { vendor: "American Megatrends International, LLC.", date: "2025-03-14", version: "1.9" },
      chassis: { vendor: p.vendor, type: "Rack Mount Chassis", serial: `C${p.serial}`, version: "0123456789" },
      motherboard: { vendor: p.vendor, product: "X12DPi-NT6", serial: `M${p.serial}`, version: "1.02" },
    },
    load: { Average1Min: 0.42, Average5Min: 0.35, Average10Min: 0.3, Processes: 412 },
    pci: { total: 0, devices: [] },
    usb: { total: 0, devices: [] },
    serial: { total: 0, devices: [] },
  };
}

/** os_data.security: a measured boot with the TPM in use; recovery keys are never shown here. */
export function securityData(s: ServerRecord): Record<string, unknown> {
  return {
    config: { custom_ca_certs: [], encryption_recovery_keys: [] },
    state: {
      encryption_recovery_keys_retrieved: true,
      encrypted_volumes: [{ volume: "root", state: "unlocked (TPM)" }],
      secure_boot_enabled: true,
      secure_boot_certificates: [],
      system_state_is_trusted: true,
      system_state_status: "",
      tpm_status: "ok",
      tpm_public_key: `-----BEGIN PUBLIC KEY-----\n${Buffer.from(hex(`${s.name}tpm`, 64)).toString("base64")}\n-----END PUBLIC KEY-----\n`,
      drive_recovery_keys: {},
      pool_recovery_keys: {},
    },
  };
}

/** os_data.storage (and system/storage) with a storage config: the boot drive holding IncusOS' `local` pool. */
export function storageData(s: ServerRecord, config: Record<string, unknown>): Record<string, unknown> {
  const p = profileOf(s);
  const size = p.disk_gb * 1_000_000_000;
  const pools = Array.isArray(config["pools"]) ? config["pools"] : [];
  return {
    config: { ...config, pools },
    state: {
      drives: [
        {
          id: `/dev/disk/by-id/nvme-eui.${hex(`${s.name}wwn`, 16)}`,
          model_family: "",
          model_name: "SAMSUNG MZ1L2960HCJR-00A07",
          serial_number: `S6${hex(`${s.name}disk`, 10).toUpperCase()}`,
          bus: "nvme",
          capacity_in_bytes: size,
          boot: true,
          removable: false,
          remote: false,
          wwn: `eui.${hex(`${s.name}wwn`, 16)}`,
          member_pool: "local",
          smart: {
            enabled: true,
            passed: true,
            error: "",
            power_on_hours: 8760,
            data_units_read: 12_345_678,
            data_units_written: 9_876_543,
            available_spare: 100,
            percentage_used: 1,
          },
        },
      ],
      pools: [
        {
          name: "local",
          type: "zfs-raid0",
          devices: ["/dev/disk/by-partlabel/local-data"],
          state: "ONLINE",
          encryption_key_status: "available",
          raw_pool_size_in_bytes: Math.round(size * 0.9),
          usable_pool_size_in_bytes: Math.round(size * 0.88),
          pool_allocated_space_in_bytes: Math.round(size * 0.04),
          volumes: [{ name: "incus", usage_in_bytes: Math.round(size * 0.03), quota_in_bytes: 0, use: "incus" }],
        },
      ],
    },
  };
}

/** bmc_data: what the BMC's Redfish service reports about the board. */
export function bmcData(s: ServerRecord): Record<string, unknown> {
  const p = profileOf(s);
  return {
    bmc_vendor: p.vendor,
    bmc_model: "AST2600",
    bmc_firmware_version: "01.03.17",
    bmc_protocol: "redfish",
    bmc_protocol_version: "1.11.0",
    bmc_service_identification: `${p.vendor} BMC`,
    server_manufacturer: p.vendor,
    server_model: p.model,
    server_sub_model: "",
    server_sku: "To be filled by O.E.M.",
    server_serial_number: p.serial,
    server_asset_tag: "",
    server_host_name: s.name,
    server_bios_version: "1.9",
    server_power_state: s.status === "offline" ? "Off" : "On",
    server_health_status: "OK",
    server_location_indicator_active: false,
    server_processor_architecture: "x86",
    server_processor_instruction_set: "x86-64",
    server_bios_attributes: { BootMode: "UEFI", SecureBoot: "Enabled", Hyperthreading: "Enabled" },
    system_uuid: s.system_uuid,
    virtual_media: {},
    last_updated: s.last_seen,
  };
}
