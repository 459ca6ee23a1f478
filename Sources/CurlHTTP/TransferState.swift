import CCurl

/// What libcurl's callbacks collect during one transfer. Passed to them as an unretained pointer; it lives
/// for the whole `curl_easy_perform` call.
final class TransferState {
    var body: [UInt8] = []
    var headers: [(name: String, value: String)] = []
    let maximumBodySize: Int
    var bodyTooLarge = false

    init(maximumBodySize: Int) {
        self.maximumBodySize = maximumBodySize
    }

    static let writeBody: ifs_curl_data_callback = { data, size, count, context in
        guard let data, let context else { return 0 }
        let state = Unmanaged<TransferState>.fromOpaque(context).takeUnretainedValue()
        let length = size * count
        guard state.body.count + length <= state.maximumBodySize else {
            state.bodyTooLarge = true
            return 0  // makes libcurl abort the transfer
        }
        data.withMemoryRebound(to: UInt8.self, capacity: length) { state.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: length)) }
        return length
    }

    static let writeHeader: ifs_curl_data_callback = { data, size, count, context in
        guard let data, let context else { return 0 }
        let state = Unmanaged<TransferState>.fromOpaque(context).takeUnretainedValue()
        let length = size * count
        data.withMemoryRebound(to: UInt8.self, capacity: length) {
            state.addHeaderLine(UnsafeBufferPointer(start: $0, count: length))
        }
        return length
    }

    private func addHeaderLine(_ line: UnsafeBufferPointer<UInt8>) {
        if line.starts(with: "HTTP/".utf8) {
            headers.removeAll()  // a new response (after 100 Continue or a redirect) starts over
            return
        }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return }
        // Header names are ASCII: lowercase them byte by byte.
        let name = String(decoding: line[..<colon].lazy.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 32 : $0 }, as: UTF8.self)
        var value = line[(colon + 1)...]
        while let first = value.first, first == 0x20 || first == 0x09 { value.removeFirst() }
        while let last = value.last, last == 0x0A || last == 0x0D || last == 0x20 || last == 0x09 { value.removeLast() }
        headers.append((name, String(decoding: value, as: UTF8.self)))
    }
}
