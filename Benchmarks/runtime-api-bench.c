// A lean Lambda Runtime API server that measures a custom runtime: time from spawn to its first
// `GET /invocation/next`, the first invocation, warm invocation latencies, and the runtime's memory.
// Also serves loopback stand-ins for FullStory (`POST /v2/events` -> 200 {}) and Intercom
// (`GET /contacts/{id}` -> a contact with a session attribute). Everything listens on 127.0.0.1.
//
// usage: runtime-api-bench <runtime> <first-event> <warm-event> <warm-count> [<warm-event> <warm-count> ...]
//        runtime-api-bench --serve <cli> <body> <signature> <clients> <seconds>   (`intercom-fullstory serve` under load)
// prints one JSON object on stdout.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static int listen_loopback(int *port) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&a, sizeof a) || listen(fd, 16)) { perror("listen"); exit(1); }
    socklen_t len = sizeof a;
    getsockname(fd, (struct sockaddr *)&a, &len);
    *port = ntohs(a.sin_port);
    return fd;
}

// One HTTP/1.1 connection with a read buffer.
typedef struct { int fd; char buf[1 << 16]; size_t len; } conn_t;

// Reads one request; returns the body length (>= 0), -1 on EOF. Head copied into `head`.
static long read_request(conn_t *c, char *head, size_t head_size, char **body) {
    for (;;) {
        char *end = memmem(c->buf, c->len, "\r\n\r\n", 4);
        if (end) {
            size_t head_len = end - c->buf + 4;
            long content = 0;
            char *cl = memmem(c->buf, head_len, "ontent-Length:", 14);
            if (!cl) cl = memmem(c->buf, head_len, "ontent-length:", 14);
            if (cl) content = strtol(cl + 14, NULL, 10);
            while (c->len < head_len + content) {
                ssize_t n = read(c->fd, c->buf + c->len, sizeof c->buf - c->len);
                if (n <= 0) return -1;
                c->len += n;
            }
            size_t copy = head_len < head_size - 1 ? head_len : head_size - 1;
            memcpy(head, c->buf, copy);
            head[copy] = 0;
            static __thread char body_copy[1 << 16];  // stand-ins and load clients read on threads of their own
            memcpy(body_copy, c->buf + head_len, content);
            *body = body_copy;
            memmove(c->buf, c->buf + head_len + content, c->len - head_len - content);
            c->len -= head_len + content;
            return content;
        }
        ssize_t n = read(c->fd, c->buf + c->len, sizeof c->buf - c->len);
        if (n <= 0) return -1;
        c->len += n;
    }
}

static void write_all(int fd, const char *data, size_t len) {
    while (len) {
        ssize_t n = write(fd, data, len);
        if (n <= 0) return;
        data += n;
        len -= n;
    }
}

static void respond(int fd, int status, const char *extra_headers, const char *body, size_t body_len) {
    char head[1024];
    int n = snprintf(head, sizeof head, "HTTP/1.1 %d OK\r\nContent-Type: application/json\r\n%sContent-Length: %zu\r\n\r\n",
                     status, extra_headers, body_len);
    // One write for head and body, as a lean server would.
    char *all = malloc(n + body_len);
    memcpy(all, head, n);
    memcpy(all + n, body, body_len);
    write_all(fd, all, n + body_len);
    free(all);
}

// Stand-ins: each connection gets a thread answering the same response forever.
typedef struct { int listen_fd; const char *body; FILE *record; long requests; } stand_in_t;
static pthread_mutex_t record_lock = PTHREAD_MUTEX_INITIALIZER;

static void *serve_connection(void *arg) {
    stand_in_t *s = ((stand_in_t **)arg)[0];
    int fd = (int)(long)((void **)arg)[1];
    free(arg);
    conn_t *c = calloc(1, sizeof *c);
    c->fd = fd;
    char head[4096];
    char *body;
    long length;
    while ((length = read_request(c, head, sizeof head, &body)) >= 0) {
        __atomic_add_fetch(&s->requests, 1, __ATOMIC_RELAXED);
        if (s->record && length > 0) {  // one JSON document per line (bodies are compact JSON)
            pthread_mutex_lock(&record_lock);
            fwrite(body, 1, length, s->record);
            fputc('\n', s->record);
            fflush(s->record);
            pthread_mutex_unlock(&record_lock);
        }
        // Soak: the events of conversation "soak-refused" are refused as a revoked key would be (401), so the
        // function hands them to its delivery queue.
        static const char refused_marker[] = "\"conversation_id\":\"soak-refused\"";
        static const char refused[] = "{\"code\":\"unauthorized\",\"message\":\"soak\"}";
        if (s->record && length > 0 && memmem(body, length, refused_marker, sizeof refused_marker - 1))
            respond(fd, 401, "", refused, sizeof refused - 1);
        else
            respond(fd, 200, "", s->body, strlen(s->body));
    }
    close(fd);
    free(c);
    return NULL;
}

static void *serve(void *arg) {
    stand_in_t *s = arg;
    for (;;) {
        int fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC);
        if (fd < 0) continue;
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        void **pair = malloc(2 * sizeof(void *));
        pair[0] = s;
        pair[1] = (void *)(long)fd;
        pthread_t t;
        pthread_create(&t, NULL, serve_connection, pair);
        pthread_detach(t);
    }
    return NULL;
}

static char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) { fprintf(stderr, "cannot read %s\n", path); exit(1); }
    struct stat st;
    fstat(fileno(f), &st);
    char *data = malloc(st.st_size + 1);
    *len = fread(data, 1, st.st_size, f);
    data[*len] = 0;
    fclose(f);
    return data;
}

static int open_descriptors(pid_t pid) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/fd", pid);
    int count = 0;
    DIR *dir = opendir(path);
    if (!dir) return -1;
    for (struct dirent *entry; (entry = readdir(dir));) count += entry->d_name[0] != '.';
    closedir(dir);
    return count;
}

static long status_kb(pid_t pid, const char *field) {
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", pid);
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    long value = -1;
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, field, strlen(field))) value = strtol(line + strlen(field) + 1, NULL, 10);
    fclose(f);
    return value;
}

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static conn_t runtime;
static int runtime_listen;
static stand_in_t fullstory, intercom, absmartly;

// Starts the Runtime API listener and the stand-ins; returns the runtime's environment.
static char **start_servers(FILE *record, const char *log_level) {
    signal(SIGPIPE, SIG_IGN);
    int runtime_port, fullstory_port, intercom_port;
    runtime_listen = listen_loopback(&runtime_port);
    runtime.fd = -1;
    // BENCH_FULLSTORY_BODY: what FullStory's stand-in answers (a List Sessions answer is also a fine Create Event
    // answer); BENCH_CONTACT_WITHOUT_SESSION: the contact carries no session (pinning then lists sessions).
    const char *fullstory_body = getenv("BENCH_FULLSTORY_BODY") ? getenv("BENCH_FULLSTORY_BODY") : "{}";
    fullstory = (stand_in_t){listen_loopback(&fullstory_port), fullstory_body, record, 0};
    intercom = (stand_in_t){listen_loopback(&intercom_port),
                            getenv("BENCH_CONTACT_WITHOUT_SESSION")
                                ? "{\"type\":\"contact\",\"id\":\"696205460674dbb9050aa7fd\",\"external_id\":\"5e68ece4\","
                                  "\"custom_attributes\":{}}"
                                : "{\"type\":\"contact\",\"id\":\"696205460674dbb9050aa7fd\",\"external_id\":\"5e68ece4\","
                                  "\"custom_attributes\":{\"fs_session_id\":\"5629499534213120:6392134624958464\"}}",
                            NULL, 0};
    pthread_t t1, t2, t3;
    pthread_create(&t1, NULL, serve, &fullstory);
    pthread_create(&t2, NULL, serve, &intercom);
    // BENCH_ABSMARTLY: an ABsmartly Collector stand-in too, and the function's ABSMARTLY_* pointing at it.
    static char collector_url[80];
    int absmartly_port = 0;
    if (getenv("BENCH_ABSMARTLY")) {
        absmartly = (stand_in_t){listen_loopback(&absmartly_port), "{\"ok\":true,\"warnings\":[],\"errors\":[]}", NULL, 0};
        pthread_create(&t3, NULL, serve, &absmartly);
        snprintf(collector_url, sizeof collector_url, "ABSMARTLY_COLLECTOR_URL=http://127.0.0.1:%d/v1", absmartly_port);
    }
    static char api[64], fs_url[64], ic_url[64], level[64];
    snprintf(api, sizeof api, "AWS_LAMBDA_RUNTIME_API=127.0.0.1:%d", runtime_port);
    snprintf(fs_url, sizeof fs_url, "FULLSTORY_API_URL=http://127.0.0.1:%d", fullstory_port);
    snprintf(ic_url, sizeof ic_url, "INTERCOM_API_URL=http://127.0.0.1:%d", intercom_port);
    snprintf(level, sizeof level, "AWS_LAMBDA_LOG_LEVEL=%s", log_level);
    static char *fixed[] = {api, fs_url, ic_url, "FULLSTORY_API_KEY=bench-key",
                            "INTERCOM_CLIENT_SECRET=test-intercom-client-secret", "INTERCOM_ACCESS_TOKEN=bench-token",
                            "AWS_LAMBDA_LOG_FORMAT=JSON", level, "PATH=/usr/bin:/bin", NULL};
    // The delivery queue's settings (DELIVERY_*, AWS_*) pass through from our own environment (make soak), and
    // INTERCOM_PIN_SESSIONS (make bench's pinning rows).
    extern char **environ;
    size_t count = sizeof fixed / sizeof *fixed, extra = 0;
    for (char **e = environ; *e; e++) extra++;
    char **envp = calloc(count + extra + 4, sizeof(char *));
    size_t n = 0;
    for (size_t i = 0; fixed[i]; i++) envp[n++] = fixed[i];
    if (absmartly_port) {
        envp[n++] = collector_url;
        envp[n++] = "ABSMARTLY_API_KEY=bench-absmartly-key";
        envp[n++] = "ABSMARTLY_APPLICATION=website";
        envp[n++] = "ABSMARTLY_ENVIRONMENT=production";
    }
    for (char **e = environ; *e; e++)
        if (((!strncmp(*e, "DELIVERY_", 9) || !strncmp(*e, "AWS_", 4)) && strncmp(*e, "AWS_LAMBDA_", 11)) ||
            !strncmp(*e, "INTERCOM_PIN_SESSIONS=", 22))
            envp[n++] = *e;
    envp[n] = NULL;
    return envp;
}

static pid_t spawn_runtime(const char *path, char **envp, const char *log) {
    char *child_argv[] = {(char *)path, NULL};
    pid_t child = fork();
    if (child == 0) {
        int out = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(out, 1);
        dup2(out, 2);
        execve(path, child_argv, envp);
        _exit(127);
    }
    return child;
}

// Next request from the runtime, accepting a new connection if it reconnected.
static long next_request(char *head, size_t size, char **body) {
    for (;;) {
        if (runtime.fd < 0) {
            runtime.fd = accept4(runtime_listen, NULL, NULL, SOCK_CLOEXEC);
            int one = 1;
            setsockopt(runtime.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            runtime.len = 0;
        }
        long n = read_request(&runtime, head, size, body);
        if (n >= 0) return n;
        close(runtime.fd);
        runtime.fd = -1;
    }
}

// Serves one invocation (the runtime's GET /next is already read); returns microseconds until its response.
static int last_status;    // statusCode in the runtime's last response body, or -1
static int last_failures;  // batchItemFailures in it, or -1 when it is not a batch answer

static double invoke(int index, const char *event, size_t event_len, pid_t child) {
    char headers[512], head[4096];
    char *body;
    struct timespec wall;
    clock_gettime(CLOCK_REALTIME, &wall);
    long long deadline = wall.tv_sec * 1000LL + wall.tv_nsec / 1000000 + 30000;
    // What Lambda sends: a request id, deadline and trace id of the invocation's own (a runtime that keeps
    // something per trace id grows with every invocation).
    snprintf(headers, sizeof headers,
             "Lambda-Runtime-Aws-Request-Id: req-%d\r\nLambda-Runtime-Deadline-Ms: %lld\r\n"
             "Lambda-Runtime-Invoked-Function-Arn: arn:aws:lambda:us-east-1:123456789012:function:bench\r\n"
             "Lambda-Runtime-Trace-Id: Root=1-%08llx-%024x;Parent=9a9197af755a6419;Sampled=1\r\n",
             index, deadline, (unsigned long long)wall.tv_sec, index);
    double start = now_us();
    respond(runtime.fd, 200, headers, event, event_len);
    long n = next_request(head, sizeof head, &body);
    double elapsed = now_us() - start;
    if (n < 0 || !strstr(head, "/response")) {
        fprintf(stderr, "invocation %d: unexpected request from the runtime (pid %d):\n%s\n", index, child, head);
        exit(1);
    }
    char *code = n > 0 ? memmem(body, n, "\"statusCode\":", 13) : NULL;
    last_status = code ? atoi(code + 13) : -1;
    last_failures = -1;  // SQS batch answers: how many records they report failed
    if (n > 0 && memmem(body, n, "\"batchItemFailures\":", 20)) {
        last_failures = 0;
        for (char *at = body; (at = memmem(at, n - (at - body), "\"itemIdentifier\"", 16)); at += 16) last_failures++;
    }
    respond(runtime.fd, 202, "", "{\"status\":\"OK\"}", 15);
    next_request(head, sizeof head, &body);  // the runtime's next GET /next
    return elapsed;
}

static int soak(int argc, char **argv);

static int serve_load(int argc, char **argv);

int main(int argc, char **argv) {
    if (argc > 1 && !strcmp(argv[1], "--soak")) return soak(argc, argv);
    if (argc > 1 && !strcmp(argv[1], "--serve")) return serve_load(argc, argv);
    if (argc < 5 || (argc - 3) % 2) {
        fprintf(stderr, "usage: %s <runtime> <first-event> <warm-event> <count> [<warm-event> <count>...]\n", argv[0]);
        return 2;
    }
    char **envp = start_servers(NULL, "WARN");
    double spawn = now_us();
    pid_t child = spawn_runtime(argv[1], envp, "/dev/null");
    char head[4096];
    char *body;
    next_request(head, sizeof head, &body);
    double cold = now_us() - spawn;

    size_t first_len;
    char *first = read_file(argv[2], &first_len);
    double first_latency = invoke(0, first, first_len, child);

    printf("{\"cold_start_us\":%.1f,\"first_invocation_us\":%.1f,\"warm\":[", cold, first_latency);
    int index = 1;
    long rss_100 = -1;
    for (int arg = 3; arg + 1 < argc; arg += 2) {
        size_t len;
        char *event = read_file(argv[arg], &len);
        int count = atoi(argv[arg + 1]);
        double *samples = malloc(count * sizeof(double));
        double began = now_us();
        for (int i = 0; i < count; i++, index++) {
            samples[i] = invoke(index, event, len, child);
            if (index == 100) rss_100 = status_kb(child, "VmRSS:");
        }
        double total = now_us() - began;
        qsort(samples, count, sizeof(double), compare);
        printf("%s{\"event\":\"%s\",\"count\":%d,\"p50_us\":%.1f,\"p99_us\":%.1f,\"per_second\":%.0f}", arg > 3 ? "," : "",
               argv[arg], count, samples[count / 2], samples[(int)(count * 0.99)], count / (total / 1e6));
        free(samples);
        free(event);
    }
    printf("],\"rss_at_100_kb\":%ld,\"rss_at_end_kb\":%ld,\"peak_rss_kb\":%ld,\"invocations\":%d}\n", rss_100,
           status_kb(child, "VmRSS:"), status_kb(child, "VmHWM:"), index);
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    return 0;
}

// --soak <runtime> <count> <warm-up> <fullstory-record> <log> <event>:<expected> [...]
// Cycles through the events for <count> invocations; reports unexpected answers, RSS and descriptors. <expected>
// is the proxy response's statusCode, or batch=<n> for an SQS event whose answer reports n failed records.
static int soak(int argc, char **argv) {
    if (argc < 8) {
        fprintf(stderr, "usage: %s --soak <runtime> <count> <warm-up> <record> <log> <event>:<status>...\n", argv[0]);
        return 2;
    }
    int count = atoi(argv[3]), warm_up = atoi(argv[4]);
    FILE *record = fopen(argv[5], "w");
    char **envp = start_servers(record, "INFO");
    int kinds = argc - 7;
    char **events = calloc(kinds, sizeof(char *));
    size_t *lengths = calloc(kinds, sizeof(size_t));
    int *expected = calloc(kinds, sizeof(int));
    for (int i = 0; i < kinds; i++) {
        char *spec = strdup(argv[7 + i]);
        char *colon = strrchr(spec, ':');
        *colon = 0;
        // A batch expectation is stored as -1 - n, apart from every status code.
        expected[i] = !strncmp(colon + 1, "batch=", 6) ? -1 - atoi(colon + 7) : atoi(colon + 1);
        events[i] = read_file(spec, &lengths[i]);
    }
    pid_t child = spawn_runtime(argv[2], envp, argv[6]);
    char head[4096];
    char *body;
    next_request(head, sizeof head, &body);
    long rss_warm = -1;
    int fds_warm = -1, unexpected = 0;
    double began = now_us();
    for (int i = 0; i < count; i++) {
        int kind = i % kinds;
        invoke(i, events[kind], lengths[kind], child);
        int answer = last_failures >= 0 ? -1 - last_failures : last_status;
        if (answer != expected[kind]) {
            if (unexpected < 10)
                fprintf(stderr, "invocation %d (%s): status %d, failures %d\n", i, argv[7 + kind], last_status, last_failures);
            unexpected++;
        }
        if (i + 1 == warm_up) {
            rss_warm = status_kb(child, "VmRSS:");
            fds_warm = open_descriptors(child);
        }
    }
    double seconds = (now_us() - began) / 1e6;
    printf("{\"invocations\":%d,\"seconds\":%.2f,\"unexpected\":%d,\"rss_after_warm_up_kb\":%ld,\"rss_at_end_kb\":%ld,"
           "\"peak_rss_kb\":%ld,\"descriptors_after_warm_up\":%d,\"descriptors_at_end\":%d}\n",
           count, seconds, unexpected, rss_warm, status_kb(child, "VmRSS:"), status_kb(child, "VmHWM:"), fds_warm,
           open_descriptors(child));
    kill(child, SIGTERM);
    waitpid(child, NULL, 0);
    fclose(record);
    return unexpected ? 1 : 0;
}

// --serve <cli> <body> <signature> <clients> <seconds>
// Starts `<cli> serve` against the stand-ins, then <clients> threads each POST the signed body on a keep-alive
// connection, one request after another, for <seconds>. Reports the latency percentiles, requests per second, the
// answers by status, and how many events FullStory's stand-in received (each webhook answered 200 delivers one).
typedef struct {
    int port;
    const char *request;
    size_t request_len;
    double deadline;
    double *samples;
    long count, capacity, statuses[6];
} load_client_t;

static int connect_loopback(int port) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof a)) { close(fd); return -1; }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct timeval timeout = {.tv_sec = 15};  // a hung server ends the bench instead of holding it
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    return fd;
}

// Reads one response on `c`; returns its status, or -1 when the connection ended.
static int read_response(conn_t *c) {
    char head[4096];
    char *body;
    long length = read_request(c, head, sizeof head, &body);  // the same framing: head, then Content-Length bytes
    if (length < 0) return -1;
    return (int)strtol(head + 9, NULL, 10);
}

static void *load_client(void *arg) {
    load_client_t *client = arg;
    conn_t *c = calloc(1, sizeof *c);
    c->fd = connect_loopback(client->port);
    while (now_us() < client->deadline && client->count < client->capacity) {
        if (c->fd < 0) { c->fd = connect_loopback(client->port); c->len = 0; if (c->fd < 0) break; }
        double began = now_us();
        write_all(c->fd, client->request, client->request_len);
        int status = read_response(c);
        if (status < 0) { close(c->fd); c->fd = -1; client->statuses[5]++; continue; }
        client->samples[client->count++] = now_us() - began;
        client->statuses[status >= 100 && status < 600 ? status / 100 - 1 : 5]++;
    }
    if (c->fd >= 0) close(c->fd);
    free(c);
    return NULL;
}

static int serve_load(int argc, char **argv) {
    if (argc < 7) {
        fprintf(stderr, "usage: %s --serve <cli> <body> <signature> <clients> <seconds>\n", argv[0]);
        return 2;
    }
    int clients = atoi(argv[5]);
    double seconds = atof(argv[6]);
    size_t body_len;
    char *body = read_file(argv[3], &body_len);
    char **envp = start_servers(NULL, "WARN");
    int port;
    int probe = listen_loopback(&port);
    close(probe);  // a free port for serve (it binds it at once; nothing else here takes ports)
    char port_text[16];
    snprintf(port_text, sizeof port_text, "%d", port);
    pid_t child = fork();
    if (child == 0) {
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 1);
        dup2(null, 2);
        char *args[] = {argv[2], "serve", "--port", port_text, NULL};
        execve(argv[2], args, envp);
        _exit(127);
    }
    // Ready when /healthz answers (at most 20 s).
    int ready = 0;
    for (int i = 0; i < 400 && !ready; i++) {
        int fd = connect_loopback(port);
        if (fd >= 0) {
            const char health[] = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
            write_all(fd, health, sizeof health - 1);
            conn_t *c = calloc(1, sizeof *c);
            c->fd = fd;
            ready = read_response(c) == 200;
            free(c);
            close(fd);
        }
        if (!ready) usleep(50000);
    }
    if (!ready) { fprintf(stderr, "serve did not start\n"); kill(child, SIGKILL); return 1; }

    char *request = malloc(body_len + 512);
    size_t request_len = snprintf(request, 512,
                                  "POST /intercom HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                                  "X-Hub-Signature: %s\r\nContent-Length: %zu\r\n\r\n", argv[4], body_len);
    memcpy(request + request_len, body, body_len);
    request_len += body_len;
    long fullstory_before = __atomic_load_n(&fullstory.requests, __ATOMIC_RELAXED);
    load_client_t *load = calloc(clients, sizeof *load);
    pthread_t *threads = calloc(clients, sizeof *threads);
    double began = now_us();
    for (int i = 0; i < clients; i++) {
        load[i] = (load_client_t){port, request, request_len, began + seconds * 1e6, NULL, 0, 2000000, {0}};
        load[i].samples = malloc(load[i].capacity * sizeof(double));
        pthread_create(&threads[i], NULL, load_client, &load[i]);
    }
    long total = 0, statuses[6] = {0};
    for (int i = 0; i < clients; i++) {
        pthread_join(threads[i], NULL);
        total += load[i].count;
        for (int k = 0; k < 6; k++) statuses[k] += load[i].statuses[k];
    }
    double elapsed = (now_us() - began) / 1e6;
    double *all = malloc((total + 1) * sizeof(double));
    long n = 0;
    for (int i = 0; i < clients; i++) {
        memcpy(all + n, load[i].samples, load[i].count * sizeof(double));
        n += load[i].count;
    }
    qsort(all, n, sizeof(double), compare);
    long delivered = __atomic_load_n(&fullstory.requests, __ATOMIC_RELAXED) - fullstory_before;
    kill(child, SIGTERM);
    int exit_status = -1;
    // At most 15 s for serve to stop, then it is killed (and its exit reported as -1).
    int waited = 0;
    while (waitpid(child, &exit_status, WNOHANG) == 0 && waited < 1500) { usleep(10000); waited++; }
    if (waited == 1500) { kill(child, SIGKILL); waitpid(child, &exit_status, 0); exit_status = -1; }
    printf("{\"clients\":%d,\"seconds\":%.1f,\"requests\":%ld,\"p50_us\":%.1f,\"p99_us\":%.1f,\"per_second\":%.0f,"
           "\"status_2xx\":%ld,\"status_4xx\":%ld,\"status_5xx\":%ld,\"connection_errors\":%ld,"
           "\"fullstory_events\":%ld,\"serve_exit\":%d}\n",
           clients, elapsed, n, n ? all[n / 2] : 0, n ? all[(long)(n * 0.99)] : 0, n / elapsed, statuses[1], statuses[3],
           statuses[4], statuses[5], delivered, exit_status != -1 && WIFEXITED(exit_status) ? WEXITSTATUS(exit_status) : -1);
    return 0;
}
