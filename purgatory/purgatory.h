/* Internal interface of the purgatory (not the loader ABI: see include/kx/purgatory.h). */
#ifndef KX_PURGATORY_INTERNAL_H
#define KX_PURGATORY_INTERNAL_H
#include <stdint.h>
#include <kx/purgatory.h>

#pragma GCC visibility push(hidden)
extern struct kx_purg_params kx_params;
void kx_serial_init(uint16_t port);
void kx_serial_putc(char c);
__attribute__((noreturn)) void kx_halt(void);
void kx_purgatory_main(void);
/* The one console printer (main.c): text ("\n" sent as CR LF), 0x-prefixed
 * 16-digit hex, decimal. */
void kx_puts(const char *s);
void kx_puthex(uint64_t v);
void kx_putdec(uint64_t v);
#pragma GCC visibility pop
#endif
