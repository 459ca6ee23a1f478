import FlatJSON

/// Reads the session attribute from a `GET /contacts/{id}` response (`custom_attributes.<name>`). Pure: the
/// caller does the request.
public enum ContactSessionAttribute {
    public static func value(inContactJSON body: [UInt8], attribute: String) -> String? {
        guard let document = try? JSONDocument(parsing: body) else { return nil }
        return document.root["custom_attributes"]?[attribute]?.nonEmptyString
    }
}
