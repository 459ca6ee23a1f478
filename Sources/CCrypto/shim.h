#ifndef INTERCOM_FULLSTORY_CCRYPTO_SHIM_H
#define INTERCOM_FULLSTORY_CCRYPTO_SHIM_H
// Only what the core needs from libcrypto: HMAC-SHA1 (Intercom's signature), SHA-1 (name-based UUIDs),
// constant-time comparison and base64 decoding.
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>
#endif
