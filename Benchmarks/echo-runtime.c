// The floor: the least a libcurl runtime loop can do. One reused easy handle; fetch /next, post a fixed
// response. Built by the benchmark with `gcc -O2 -lcurl`.
// Built with -DFORWARD it also makes the two exchanges of a closed conversation, with no work between them:
// GET a contact from $INTERCOM_API_URL and POST a fixed event to $FULLSTORY_API_URL, one reused handle each.
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static char request_id[256];

static size_t on_header(char *data, size_t size, size_t count, void *context) {
    size_t len = size * count;
    const char *name = "Lambda-Runtime-Aws-Request-Id:";
    if (len > strlen(name) && !strncasecmp(data, name, strlen(name))) {
        const char *value = data + strlen(name);
        while (*value == ' ') value++;
        size_t n = 0;
        while (value + n < data + len && value[n] != '\r' && value[n] != '\n' && n < sizeof request_id - 1) n++;
        memcpy(request_id, value, n);
        request_id[n] = 0;
    }
    return len;
}

static size_t discard(char *data, size_t size, size_t count, void *context) { return size * count; }

// Options every exchange shares, on a handle reset from its previous request (connections stay open).
static void prepare(CURL *curl, const char *url) {
    curl_easy_reset(curl);
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(curl, CURLOPT_PROXY, "");
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
}

int main(void) {
    const char *api = getenv("AWS_LAMBDA_RUNTIME_API");
    if (!api) return 1;
    char next_url[256], response_url[512];
    snprintf(next_url, sizeof next_url, "http://%s/2018-06-01/runtime/invocation/next", api);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    CURL *curl = curl_easy_init();
    struct curl_slist *headers = curl_slist_append(NULL, "Expect:");
    headers = curl_slist_append(headers, "Content-Type: application/json");
    const char *body = "{\"statusCode\":200,\"body\":\"ok\"}";
#ifdef FORWARD
    CURL *intercom = curl_easy_init(), *fullstory = curl_easy_init();
    char contact_url[512], events_url[512];
    snprintf(contact_url, sizeof contact_url, "%s/contacts/696205460674dbb9050aa7fd", getenv("INTERCOM_API_URL"));
    snprintf(events_url, sizeof events_url, "%s/v2/events", getenv("FULLSTORY_API_URL"));
    const char *event = "{\"session\":{\"id\":\"5629499534213120:6392134624958464\"},"
                        "\"name\":\"Intercom Conversation Closed\",\"properties\":{}}";
#endif
    for (;;) {
        prepare(curl, next_url);
        curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
        if (curl_easy_perform(curl) != CURLE_OK) return 1;
#ifdef FORWARD
        prepare(intercom, contact_url);
        if (curl_easy_perform(intercom) != CURLE_OK) return 1;
        prepare(fullstory, events_url);
        curl_easy_setopt(fullstory, CURLOPT_POSTFIELDS, event);
        if (curl_easy_perform(fullstory) != CURLE_OK) return 1;
#endif
        snprintf(response_url, sizeof response_url, "http://%s/2018-06-01/runtime/invocation/%s/response", api, request_id);
        prepare(curl, response_url);
        curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
        if (curl_easy_perform(curl) != CURLE_OK) return 1;
    }
}
