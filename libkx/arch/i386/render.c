/* i386 has no image errors of its own: libkx/render_lib.c renders them all. */
#include "../x86_64/render.c"
