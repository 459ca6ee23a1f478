import CCurl

/// What libcurl's callbacks collect during one transfer. Passed to them as an unretained pointer; its
/// `EasyHandle` keeps it alive until the next request.
final class TransferState {
    var body: [UInt8] = []
    var headerBlock: [UInt8] = []
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

    /// Keeps the line as it came; HTTPResponse.header decodes only the headers a caller asks for.
    private func addHeaderLine(_ line: UnsafeBufferPointer<UInt8>) {
        if line.starts(with: "HTTP/".utf8) {
            headerBlock.removeAll(keepingCapacity: true)  // a new response (after 100 Continue or a redirect) starts over
            headerBlock.reserveCapacity(512)
            return
        }
        headerBlock.append(contentsOf: line)
    }
}
