/// Deterministic `Idempotency-Key`s: a name-based (version 5, SHA-1) UUID, so Intercom's redeliveries of a
/// notification map to the same key and FullStory records the event once.
public enum IdempotencyKey {
    /// Fixed namespace for this project's keys (a random v4 UUID, chosen once).
    static let namespace: [UInt8] = [
        0x6f, 0x1c, 0x3e, 0x52, 0x9a, 0x0b, 0x4d, 0x1e, 0x8f, 0x4a, 0x27, 0x5d, 0xc3, 0x61, 0x0e, 0x9b,
    ]

    /// From the notification id (stable across Intercom's redeliveries) and the event name.
    public static func forNotification(id: String, eventName: String) -> String {
        uuid5(["notification", id, eventName])
    }

    /// When the notification has no id: from topic, item (conversation or ticket) and the moment of the event.
    /// The first part stays "conversation" for every item: keys already sent must not change.
    public static func forConversation(topic: String, conversationID: String, moment: Int?, eventName: String)
        -> String
    {
        uuid5(["conversation", topic, conversationID, moment.map(String.init) ?? "-", eventName])
    }

    /// A reply's event, from its conversation part: the same part gives the same key whichever notification (or
    /// topic) delivers it.
    public static func forPart(conversationID: String, partID: String, eventName: String) -> String {
        uuid5(["part", conversationID, partID, eventName])
    }

    /// A backfilled event, in a namespace of its own: the same conversation, event and moment always give the
    /// same key, so a re-run within FullStory's 24 hours sends nothing twice.
    public static func forBackfill(conversationID: String, eventName: String, moment: Int) -> String {
        uuid5(["backfill", conversationID, eventName, String(moment)])
    }

    static func unlinkedVariant(of key: String) -> String { uuid5(["unlinked", key]) }

    /// A version 5 (SHA-1, name-based) UUID in this project's namespace, of `parts` joined by `|`.
    public static func uuid5(_ parts: [String]) -> String {
        var name = namespace
        name.reserveCapacity(namespace.count + parts.reduce(parts.count) { $0 + $1.utf8.count })
        for (index, part) in parts.enumerated() {
            if index > 0 { name.append(UInt8(ascii: "|")) }
            name.append(contentsOf: part.utf8)
        }
        var digest = SHA1Digest.hash(name)
        digest[6] = (digest[6] & 0x0F) | 0x50  // version 5
        digest[8] = (digest[8] & 0x3F) | 0x80  // RFC 4122 variant
        return String(unsafeUninitializedCapacity: 36) { output in
            var position = 0
            for index in 0..<16 {
                if index == 4 || index == 6 || index == 8 || index == 10 {
                    output[position] = UInt8(ascii: "-")
                    position += 1
                }
                output[position] = Hex.digits[Int(digest[index] >> 4)]
                output[position + 1] = Hex.digits[Int(digest[index] & 0x0F)]
                position += 2
            }
            return position
        }
    }
}
