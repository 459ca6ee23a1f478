#ifndef INTERCOM_FULLSTORY_CCURL_SHIM_H
#define INTERCOM_FULLSTORY_CCURL_SHIM_H
#include <curl/curl.h>

// Swift cannot call C variadic functions, so each curl_easy_setopt/getinfo argument type gets a typed wrapper.
typedef size_t (*ifs_curl_data_callback)(char *data, size_t size, size_t count, void *context);

static inline CURLcode ifs_curl_global_init(void) { return curl_global_init(CURL_GLOBAL_DEFAULT); }

static inline CURLcode ifs_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode ifs_curl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode ifs_curl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode ifs_curl_setopt_off(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode ifs_curl_setopt_callback(CURL *handle, CURLoption option, ifs_curl_data_callback value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode ifs_curl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

// The multi interface's completion message: which transfer ended, and how (a union member in C).
static inline int ifs_curl_msg_is_done(const CURLMsg *message) { return message->msg == CURLMSG_DONE; }
static inline CURL *ifs_curl_msg_handle(const CURLMsg *message) { return message->easy_handle; }
static inline CURLcode ifs_curl_msg_result(const CURLMsg *message) { return message->data.result; }
#endif
