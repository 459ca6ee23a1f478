import CCrypto

/// Standard base64 (RFC 4648 §4, with padding), decoded by libcrypto.
enum Base64 {
    static func decode(_ text: String) -> [UInt8]? {
        var input = Array(text.utf8)
        input.removeAll { $0 == 0x0A || $0 == 0x0D || $0 == 0x20 || $0 == 0x09 }
        guard input.count % 4 == 0 else { return nil }
        if input.isEmpty { return [] }
        var output = [UInt8](repeating: 0, count: input.count / 4 * 3)
        let written = output.withUnsafeMutableBufferPointer { out in
            input.withUnsafeBufferPointer { source in
                EVP_DecodeBlock(out.baseAddress, source.baseAddress, Int32(source.count))
            }
        }
        guard written >= 0 else { return nil }
        // EVP_DecodeBlock counts the bytes that stand for padding; drop them.
        let padding = input.reversed().prefix(2).prefix { $0 == UInt8(ascii: "=") }.count
        output.removeLast(padding)
        return output
    }
}
