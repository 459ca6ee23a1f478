#ifndef INTERCOM_FULLSTORY_GLIBC_COMPATIBILITY_H
#define INTERCOM_FULLSTORY_GLIBC_COMPATIBILITY_H
// Replacements for glibc symbols newer than Amazon Linux 2023's glibc 2.34, linked with `--wrap`.
#include <stdint.h>
float __wrap_hypotf(float x, float y);
uint32_t __wrap_arc4random(void);
struct dl_find_object;
int __wrap__dl_find_object(void *address, struct dl_find_object *result);
#endif
