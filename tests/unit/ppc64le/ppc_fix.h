/* Fixtures for the ppc64le unit tests: ELF vmlinux files, pseries-like device
 * trees (host libfdt), a sysinfo. Built on any host (make unit-ppc64le). */
#ifndef KX_UNIT_PPC_H
#define KX_UNIT_PPC_H
#include <stddef.h>
#include <stdint.h>
#include <kx/loader.h>
#include <kx/plan.h>
#include "ppc64.h"

#define KiB (1ull << 10)
#define MiB (1ull << 20)
#define GiB (1ull << 30)

/* An ELF64 LE EM_PPC64 ELFv2 executable like Debian's vmlinux: one PT_LOAD
 * (vaddr 0xc000000000000000, paddr 0) of filesz bytes of pattern, memsz
 * bytes, e_entry its start (+ entry_off); a PT_NOTE "Linux". *len set;
 * malloc'd. machine: e_machine to write. */
uint8_t *ppc_vmlinux(size_t *len, uint64_t filesz, uint64_t memsz, uint64_t entry_off,
		     uint16_t machine);
/* A pseries-like tree: #address/size-cells 2, /memory@0 (rma bytes),
 * /memory@40000000, /chosen with bootargs, linux,stdout-path, a stale
 * initrd (with its reserve entry), linux,kernel-end, linux,crashkernel-*,
 * linux,memory-limit, linux,htab-*, a stale rng-seed; /rtas (linux,rtas-base, rtas-size),
 * /ibm,opal (opal-base-address, opal-runtime-size), a PCI host bridge with
 * linux,tce-base/size and linux,pci-domain, /cpus with two CPUs, root
 * reserved-ranges (two entries); boot_cpuid_phys 8. *len set; malloc'd. */
uint8_t *ppc_dtb(size_t *len, uint64_t rma, int with_chosen);
/* A sysinfo: RAM [64 MiB, 2 GiB) (the kernel's own below), the tree above
 * as the running system's (rma 1 GiB, kernel-end 40 MiB), a fixed rng seed
 * (0xa0, 0xa1, ...), malloc as alloc. */
void ppc_sysinfo(struct kx_sysinfo *si);
#endif
