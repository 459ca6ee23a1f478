import CCrypto

/// Standard base64 (RFC 4648 §4, with padding), by libcrypto.
public enum Base64 {
    public static func encode(_ bytes: [UInt8]) -> String {
        guard !bytes.isEmpty else { return "" }
        // EVP_EncodeBlock writes 4 characters per 3 bytes plus a terminating NUL.
        var output = [UInt8](repeating: 0, count: (bytes.count + 2) / 3 * 4 + 1)
        let written = output.withUnsafeMutableBufferPointer { out in
            bytes.withUnsafeBufferPointer { source in
                EVP_EncodeBlock(out.baseAddress, source.baseAddress, Int32(source.count))
            }
        }
        return String(decoding: output.prefix(Int(written)), as: UTF8.self)
    }

    public static func decode(_ text: String) -> [UInt8]? {
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
