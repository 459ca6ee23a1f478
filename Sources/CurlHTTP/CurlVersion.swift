import CCurl

/// The libcurl loaded in this process (which may not be the one linked against: `LD_LIBRARY_PATH`, or Amazon
/// Linux 2023's libcurl-minimal).
public enum CurlVersion {
    /// `7.88.1`, `8.14.1`…: from `curl_version()`'s `libcurl/<version> …`.
    public static var loaded: String {
        guard let text = curl_version() else { return "unknown" }
        let first = String(cString: text).split(separator: " ").first ?? ""
        return first.hasPrefix("libcurl/") ? String(first.dropFirst("libcurl/".count)) : "unknown"
    }
}
