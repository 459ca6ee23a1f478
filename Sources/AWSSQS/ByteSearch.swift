/// Substring search without Foundation, over UTF-8 bytes.
extension Array where Element == UInt8 {
    /// The index of the first occurrence of `needle` at or after `start`.
    func firstIndex(of needle: some Collection<UInt8>, from start: Int = 0) -> Int? {
        let needle = Array<UInt8>(needle)
        guard !needle.isEmpty, count >= needle.count, start <= count - needle.count else { return nil }
        for index in start...(count - needle.count) where self[index] == needle[0] {
            if self[index..<(index + needle.count)].elementsEqual(needle) { return index }
        }
        return nil
    }
}
