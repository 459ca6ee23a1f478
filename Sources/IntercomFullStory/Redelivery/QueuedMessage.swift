import FlatJSON

/// A message of the delivery queue, told apart by its `type`: an event for FullStory (`DeliveryMessage`) or a pin
/// to write on an Intercom conversation (`PinMessage`). One parse for both.
public enum QueuedMessage: Sendable, Equatable {
    case delivery(DeliveryMessage)
    case pin(PinMessage)

    public enum DecodingError: Error, Equatable, Sendable, CustomStringConvertible {
        case notJSON
        /// Valid JSON, but not a message of this project.
        case notOurs
        /// Written by a newer version of the function (a rollback, or two versions on one queue).
        case unsupportedVersion(Int)
        case invalid(String)

        public var description: String {
            switch self {
            case .notJSON: "not JSON"
            case .notOurs: "not an intercom-fullstory message"
            case .unsupportedVersion(let version): "message version \(version) is newer than this function understands"
            case .invalid(let what): "invalid message: \(what)"
            }
        }
    }

    public static func decode(_ text: String) -> Result<QueuedMessage, DecodingError> {
        guard let document = try? JSONDocument(parsing: text) else { return .failure(.notJSON) }
        let root = document.root
        guard root.kind == .object else { return .failure(.notOurs) }
        if root["type"]?.isString("intercom-fullstory.delivery") == true { return DeliveryMessage.decode(root).map(Self.delivery) }
        if root["type"]?.isString("intercom-fullstory.pin") == true { return PinMessage.decode(root).map(Self.pin) }
        return .failure(.notOurs)
    }
}
