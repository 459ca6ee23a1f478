import CurlHTTP
import FlatJSON
import IntercomFullStory

/// Intercom's data attributes (`GET /data_attributes?model=…`, `POST /data_attributes`) and the workspace
/// (`GET /me`), for `setup`.
public struct DataAttributesClient {
    public struct Attribute: Equatable {
        public var name: String
        public var dataType: String?
        public var apiWritable: Bool
        public var messengerWritable: Bool
        public var archived: Bool
    }

    /// An answer that is not the one wanted: the status and Intercom's error code.
    public struct Refusal: Error, CustomStringConvertible {
        public var status: Int
        public var code: String?
        public var description: String { "Intercom answered \(status) \(code ?? "without a code")" }
    }

    private static let timeoutMilliseconds = 15_000
    private let api: IntercomAPI

    public init(api: IntercomAPI) {
        self.api = api
    }

    /// The workspace's name and id (`app.name`, `app.id_code`).
    public func workspace() throws -> (name: String?, id: String?) {
        let root = try get("/me")
        return (root["app", "name"]?.string, root["app", "id_code"]?.string)
    }

    public func attributes(model: String) throws -> [Attribute] {
        let root = try get("/data_attributes?model=" + model)
        return (root["data"]?.elements.map { $0 } ?? []).compactMap { element in
            guard let name = element["name"]?.string else { return nil }
            return Attribute(
                name: name, dataType: element["data_type"]?.string, apiWritable: element["api_writable"]?.bool ?? true,
                messengerWritable: element["messenger_writable"]?.bool ?? false, archived: element["archived"]?.bool ?? false)
        }
    }

    /// Creates a text attribute; a conversation attribute through the Unstable version, the only one that documents it.
    public func create(name: String, model: String, description: String, messengerWritable: Bool) throws {
        var writer = JSONWriter()
        writer.beginObject()
        writer.member("name", name)
        writer.member("model", model)
        writer.member("data_type", "string")
        writer.member("description", description)
        if messengerWritable { writer.member("messenger_writable", true) }
        writer.endObject()
        let response = try api.perform(
            "POST", "/data_attributes", body: writer.bytes,
            version: model == "conversation" ? IntercomAPI.unstableVersion : IntercomAPI.version, timeoutMilliseconds: Self.timeoutMilliseconds)
        guard (200..<300).contains(response.status) else {
            throw Refusal(status: response.status, code: IntercomRefusal.errorCode(response.body))
        }
    }

    private func get(_ path: String) throws -> JSONValue {
        let response = try api.perform("GET", path, timeoutMilliseconds: Self.timeoutMilliseconds, maximumResponseSize: 4 << 20)
        guard response.status == 200 else { throw Refusal(status: response.status, code: IntercomRefusal.errorCode(response.body)) }
        guard let document = try? JSONDocument(parsing: response.body) else { throw Refusal(status: response.status, code: "not_json") }
        return document.root
    }
}
