/* x86 boot protocol: offsets in the image's setup header and in the zero
 * page (struct boot_params), from Documentation/arch/x86/boot.rst and
 * zero-page.rst. Read and written only through kx_le* / kx_put*. */
#ifndef KX_X86_BOOTPROTO_H
#define KX_X86_BOOTPROTO_H

#define H_SETUP_SECTS    0x1f1
#define H_SYSSIZE        0x1f4   /* the protected-mode part, in 16-byte units */
#define H_BOOT_FLAG      0x1fe
#define H_JUMP           0x200
#define H_MAGIC          0x202
#define H_VERSION        0x206
#define H_TYPE_OF_LOADER 0x210
#define H_LOADFLAGS      0x211
#define H_CODE32_START   0x214
#define H_RAMDISK_IMAGE  0x218
#define H_RAMDISK_SIZE   0x21c
#define H_CMD_LINE_PTR   0x228
#define H_INITRD_MAX     0x22c
#define H_KERNEL_ALIGN   0x230
#define H_RELOCATABLE    0x234
#define H_XLOADFLAGS     0x236
#define H_CMDLINE_SIZE   0x238
#define H_SUBARCH        0x23c
#define H_SUBARCH_DATA   0x240
#define H_PAYLOAD_OFFSET 0x248   /* the compressed kernel, from the protected-mode part */
#define H_PAYLOAD_LENGTH 0x24c
#define H_SETUP_DATA     0x250
#define H_PREF_ADDRESS   0x258
#define H_INIT_SIZE      0x260
#define H_MIN_END        0x264   /* kx needs the fields up to init_size */

#define BP_SCREEN_INFO   0x000   /* 0x40 bytes */
#define BP_ACPI_RSDP     0x070
#define BP_EXT_RAMDISK_IMAGE 0x0c0
#define BP_EXT_RAMDISK_SIZE  0x0c4
#define BP_EXT_CMD_LINE_PTR  0x0c8
#define BP_EDID_INFO     0x140   /* 0x80 bytes */
#define BP_EFI_INFO      0x1c0   /* struct efi_info, 32 bytes: */
#define BP_EFI_SIGNATURE 0x1c0   /*   loader signature, "EL64" from a 64-bit EFI stub */
#define BP_EFI_SYSTAB    0x1c4   /*   system table, low 32 bits */
#define BP_EFI_DESC_SIZE 0x1c8   /*   bytes per memory descriptor */
#define BP_EFI_DESC_VER  0x1cc   /*   memory descriptor version */
#define BP_EFI_MEMMAP    0x1d0   /*   memory map, low 32 bits */
#define BP_EFI_MEMMAP_SIZE 0x1d4 /*   memory map bytes */
#define BP_EFI_SYSTAB_HI 0x1d8
#define BP_EFI_MEMMAP_HI 0x1dc
#define BP_SECURE_BOOT   0x1ec
#define BP_E820_ENTRIES  0x1e8
#define BP_SENTINEL      0x1ef
#define BP_HDR_LIMIT     0x290   /* the setup header's room ends here */
#define BP_E820_TABLE    0x2d0
#define BP_E820_MAX      128
#define BP_SIZE          4096

#define LOADED_HIGH      0x01
#define SETUP_E820_EXT   1
#define SETUP_EFI        4       /* struct efi_setup_data: fw_vendor, runtime (read
				    by older kernels only), tables, smbios, 8 reserved */
#define EFI_SD_LEN       96
#define EFI_MD_SIZE      40      /* efi_memory_desc_t: type, pad, phys, virt, pages, attr */
#define SETUP_RNG_SEED   9
#define SD_HDR           16      /* struct setup_data: next, type, len */

#endif
