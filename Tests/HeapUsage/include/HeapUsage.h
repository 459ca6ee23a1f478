#pragma once
#include <stddef.h>

/// Bytes of glibc's heap in use (mallinfo2's uordblks, all arenas); Swift's Glibc module does not export
/// mallinfo2.
size_t heap_bytes_in_use(void);
