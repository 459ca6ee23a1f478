import CCurl

/// `curl_global_init` exactly once per process (Swift initialises globals once, thread-safely).
let curlGlobalInitialization: CURLcode = ifs_curl_global_init()
