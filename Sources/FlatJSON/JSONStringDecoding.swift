/// Turns the bytes of a JSON string (between its quotes, already validated by the parser) into a `String`.
enum JSONStringDecoding {
    static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(byte - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    /// Decodes escapes. Lone surrogates and invalid UTF-8 become U+FFFD rather than failing: the signature has
    /// already vouched for the bytes, and one odd character must not lose a notification.
    static func unescape(_ bytes: ArraySlice<UInt8>) -> String {
        String(decoding: unescapedBytes(bytes), as: UTF8.self)
    }

    /// The bytes a JSON string stands for (escapes decoded, UTF-8 not validated).
    static func unescapedBytes(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        bytes.withUnsafeBufferPointer { source in
            // The decoded text is never longer than its escaped form.
            [UInt8](unsafeUninitializedCapacity: source.count) { output, written in
                var out = 0
                var index = 0
                let count = source.count
                while index < count {
                    // Copy eight bytes at a time while looking for the next backslash; bytes copied past it
                    // are overwritten next (the output is never longer than the input, so they fit).
                    if let from = source.baseAddress, let to = output.baseAddress {
                        while index + 8 <= count {
                            let word = UnsafeRawPointer(from + index).loadUnaligned(as: UInt64.self)
                            UnsafeMutableRawPointer(to + out).storeBytes(of: word, as: UInt64.self)
                            let position = JSONByteScanner.firstBackslash(inWord: UInt64(littleEndian: word))
                            index += position
                            out += position
                            if position < 8 { break }
                        }
                    }
                    while index < count, source[index] != UInt8(ascii: "\\") {
                        output[out] = source[index]
                        out += 1
                        index += 1
                    }
                    guard index + 1 < count else {
                        if index < count {
                            output[out] = source[index]
                            out += 1
                        }
                        break
                    }
                    let escape = source[index + 1]
                    index += 2
                    switch escape {
                    case UInt8(ascii: "b"): output[out] = 0x08; out += 1
                    case UInt8(ascii: "f"): output[out] = 0x0C; out += 1
                    case UInt8(ascii: "n"): output[out] = 0x0A; out += 1
                    case UInt8(ascii: "r"): output[out] = 0x0D; out += 1
                    case UInt8(ascii: "t"): output[out] = 0x09; out += 1
                    case UInt8(ascii: "u"):
                        var scalar = readHex4(source, at: index) ?? 0xFFFD
                        index += 4
                        if (0xD800...0xDBFF).contains(scalar) {
                            // A high surrogate must be followed by `\uDC00`...`\uDFFF`.
                            if index + 5 < count, source[index] == UInt8(ascii: "\\"), source[index + 1] == UInt8(ascii: "u"),
                                let low = readHex4(source, at: index + 2), (0xDC00...0xDFFF).contains(low)
                            {
                                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                                index += 6
                            } else {
                                scalar = 0xFFFD
                            }
                        } else if (0xDC00...0xDFFF).contains(scalar) {
                            scalar = 0xFFFD
                        }
                        // `\uXXXX` is 6 bytes and encodes to at most 3 (4 for a 12-byte surrogate pair): it fits.
                        UTF8.encode(Unicode.Scalar(scalar) ?? "\u{FFFD}") { unit in
                            output[out] = unit
                            out += 1
                        }
                    default:
                        output[out] = escape  // `"`, `\` and `/` stand for themselves
                        out += 1
                    }
                }
                written = out
            }
        }
    }

    private static func readHex4(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> UInt32? {
        guard index + 4 <= bytes.count else { return nil }
        var value: UInt32 = 0
        for offset in 0..<4 {
            guard let digit = hexValue(bytes[index + offset]) else { return nil }
            value = value << 4 | digit
        }
        return value
    }
}
