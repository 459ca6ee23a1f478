import ASCIIText
import FlatJSON
import NIOConcurrencyHelpers

/// The parts of Intercom's REST API that session pinning and `setup` use, as documented: `GET /me`, `GET
/// /contacts/{id}`, `GET` and `PUT /conversations/{id}` (the PUT sets custom attributes, which must exist as
/// conversation data attributes), `GET /data_attributes?model=` and `POST /data_attributes` (a conversation
/// attribute only with `Intercom-Version: Unstable`). Bearer token required; a missing permission answers 401
/// `token_unauthorized`, as Intercom does.
public final class IntercomStandIn: Sendable {
    public static let token = "dG9rOmUyZS1pbnRlcmNvbS10b2tlbg=="

    public enum Permission: Sendable, Hashable {
        case readContacts, writeConversations, dataAttributes
    }

    public struct DataAttribute: Sendable, Equatable {
        public var name: String
        public var model: String
        public var messengerWritable: Bool
        public var dataType: String

        public init(name: String, model: String, messengerWritable: Bool = false, dataType: String = "string") {
            self.name = name
            self.model = model
            self.messengerWritable = messengerWritable
            self.dataType = dataType
        }
    }

    struct State {
        var contacts: [String: [String: String]] = [:]
        var conversations: [String: [String: String]] = [:]
        var dataAttributes: [DataAttribute]
        var writes = 0
    }

    let server: StandInServer
    private let state: NIOLockedValueBox<State>

    public var baseURL: String { server.baseURL }
    public var requests: [StandInServer.Request] { server.requests }
    /// The `PUT /conversations/{id}` requests received.
    public var conversationWrites: [StandInServer.Request] { requests.filter { $0.method == "PUT" } }
    public var dataAttributes: [DataAttribute] { state.withLockedValue { $0.dataAttributes } }

    /// - Parameters:
    ///   - permissions: what the token's app may do.
    ///   - conversationReadStatus: `GET /conversations/{id}` answers this error status.
    ///   - writeScript: an answer to a conversation write by its number (1 is the first), instead of the normal
    ///     one; `applied: true` writes the attribute before answering (an answer lost after the write).
    public init(
        dataAttributes: [DataAttribute] = [
            DataAttribute(name: "fs_session_id", model: "contact", messengerWritable: true),
            DataAttribute(name: "fs_session_id", model: "conversation"),
        ],
        permissions: Set<Permission> = [.readContacts, .writeConversations, .dataAttributes],
        createsConversationAttributes: Bool = true, conversationReadStatus: Int? = nil,
        writeScript: [Int: (reply: StandInServer.Reply, applied: Bool)] = [:]
    ) throws {
        let state = NIOLockedValueBox(State(dataAttributes: dataAttributes))
        self.state = state
        server = try StandInServer { request, _ in
            guard request.header("Authorization") == "Bearer \(Self.token)" else {
                return Self.error(401, "unauthorized", "Access Token Invalid")
            }
            guard request.header("Intercom-Version") != nil else { return Self.error(400, "intercom_version_invalid", "no version") }
            let parts = request.uri.split(separator: "?", maxSplits: 1).map(String.init)
            let path = parts.first ?? ""
            let segments = path.split(separator: "/").map { $0.removingPercentEncoding }
            func missing(_ permission: Permission) -> Bool { !permissions.contains(permission) }
            switch (request.method, segments.first ?? "", segments.count) {
            case ("GET", "me", 1):
                return .json(200, #"{"type":"admin","id":"9608799","email":"admin@example.com","app":{"type":"app","id_code":"abc123def","name":"Example Shop","region":"US"}}"#)
            case ("GET", "contacts", 2):
                if missing(.readContacts) { return Self.error(401, "token_unauthorized", "Not authorized to access resource") }
                let attributes = state.withLockedValue { $0.contacts[segments[1]] } ?? [:]
                return .json(200, Self.object(type: "contact", id: segments[1], attributes: attributes))
            case ("GET", "conversations", 2):
                if let conversationReadStatus { return Self.error(conversationReadStatus, "server_error", "unavailable") }
                let attributes = state.withLockedValue { $0.conversations[segments[1]] } ?? [:]
                return .json(200, Self.object(type: "conversation", id: segments[1], attributes: attributes))
            case ("PUT", "conversations", 2):
                if missing(.writeConversations) { return Self.error(401, "token_unauthorized", "Not authorized to access resource") }
                return state.withLockedValue { state in
                    state.writes += 1
                    let scripted = writeScript[state.writes]
                    if let scripted, !scripted.applied { return scripted.reply }
                    let answer = Self.update(segments[1], request.body, &state)
                    return scripted?.reply ?? answer
                }
            case ("GET", "data_attributes", 1):
                if missing(.dataAttributes) { return Self.error(401, "token_unauthorized", "Not authorized to access resource") }
                let model = parts.count > 1 ? parts[1].split(separator: "&").first { $0.hasPrefix("model=") }.map { String($0.dropFirst(6)) } : nil
                return .json(200, Self.list(state.withLockedValue { $0.dataAttributes }.filter { model == nil || $0.model == model }))
            case ("POST", "data_attributes", 1):
                if missing(.dataAttributes) { return Self.error(401, "token_unauthorized", "Not authorized to access resource") }
                return state.withLockedValue { Self.create(request, unstable: createsConversationAttributes, &$0) }
            default:
                return Self.error(404, "not_found", "Resource Not Found")
            }
        }
    }

    public func shutdown() { server.shutdown() }

    /// Sets a contact's attribute (the browser snippet's `Intercom('update', …)`).
    public func setContactAttribute(_ contactID: String, _ name: String, _ value: String) {
        state.withLockedValue { $0.contacts[contactID, default: [:]][name] = value }
    }

    /// A conversation's attribute as written.
    public func conversationAttribute(_ conversationID: String, _ name: String) -> String? {
        state.withLockedValue { $0.conversations[conversationID]?[name] }
    }

    static func update(_ id: String, _ body: [UInt8], _ state: inout State) -> StandInServer.Reply {
        guard let root = try? JSONDocument(parsing: body).root, let attributes = root["custom_attributes"], attributes.kind == .object
        else { return error(400, "parameter_invalid", "custom_attributes must be an object") }
        for (name, value) in attributes.members {
            guard let known = state.dataAttributes.first(where: { $0.name == name && $0.model == "conversation" }) else {
                return error(400, "parameter_invalid", "Custom attribute '\(name)' does not exist")
            }
            guard known.dataType == "string" else { return error(400, "parameter_invalid", "'\(name)' must be a \(known.dataType)") }
            guard let text = value.string else { return error(400, "parameter_invalid", "'\(name)' must be a string") }
            state.conversations[id, default: [:]][name] = text
        }
        return .json(200, object(type: "conversation", id: id, attributes: state.conversations[id] ?? [:]))
    }

    /// - Parameter unstable: whether the Unstable version takes conversation attributes (as its documentation says).
    static func create(_ request: StandInServer.Request, unstable accepted: Bool, _ state: inout State) -> StandInServer.Reply {
        guard let root = try? JSONDocument(parsing: request.body).root, let name = root["name"]?.string, let model = root["model"]?.string,
            root["data_type"]?.string == "string"
        else { return error(400, "parameter_invalid", "name, model and data_type are required") }
        let unstable = accepted && request.header("Intercom-Version") == "Unstable"
        guard model == "contact" || model == "company" || (unstable && model == "conversation") else {
            return error(400, "parameter_invalid", "The Data Attribute model field must be either contact or company")
        }
        guard !state.dataAttributes.contains(where: { $0.name == name && $0.model == model }) else {
            return error(400, "parameter_invalid", model == "conversation" ? "A conversation attribute with that name already exists" : "You already have a data attribute called \(name)")
        }
        let attribute = DataAttribute(name: name, model: model, messengerWritable: root["messenger_writable"]?.bool ?? false)
        state.dataAttributes.append(attribute)
        return .json(200, element(attribute))
    }

    static func object(type: String, id: String, attributes: [String: String]) -> String {
        var writer = JSONWriter()
        writer.beginObject()
        writer.member("type", type)
        writer.member("id", id)
        writer.key("custom_attributes")
        writer.beginObject()
        for (name, value) in attributes.sorted(by: { $0.key < $1.key }) { writer.member(name, value) }
        writer.endObject()
        writer.endObject()
        return writer.string
    }

    static func element(_ attribute: DataAttribute) -> String {
        #"{"type":"data_attribute","name":"\#(attribute.name)","full_name":"custom_attributes.\#(attribute.name)","model":"\#(attribute.model)","data_type":"\#(attribute.dataType)","api_writable":true,"messenger_writable":\#(attribute.messengerWritable),"archived":false,"custom":true}"#
    }

    static func list(_ attributes: [DataAttribute]) -> String {
        #"{"type":"list","data":[\#(attributes.map(element).joined(separator: ","))]}"#
    }

    public static func error(_ status: Int, _ code: String, _ message: String) -> StandInServer.Reply {
        .json(status, #"{"type":"error.list","request_id":"req-1","errors":[{"code":"\#(code)","message":"\#(message)"}]}"#)
    }
}

extension Substring {
    /// `%XX` decoded (enough for the ids of these paths).
    var removingPercentEncoding: String {
        PercentEncoding.decoded(utf8).map { String(decoding: $0, as: UTF8.self) } ?? String(self)
    }
}
