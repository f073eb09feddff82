/* The 16550 UART: the same port I/O as x86_64. */
#include "../x86_64/serial.c"
