#ifndef INTERCOM_FULLSTORY_SWIFT_RUNTIME_STARTUP_H
#define INTERCOM_FULLSTORY_SWIFT_RUNTIME_STARTUP_H
// Replacements for parts of the static Swift runtime that cost cold-start time; see each file.
char **_swift_stdlib_getUnsafeArgvArgc(int *outArgLen);
void _swift_stdlib_overrideUnsafeArgvArgc(char **argv, int argc);
#endif
