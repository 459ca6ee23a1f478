import FlatJSON

extension EventProperty {
    /// `properties` as one JSON object value (each destination's body has one).
    public static func writeObject(_ properties: [EventProperty], to writer: inout JSONWriter) {
        writer.beginObject()
        for property in properties {
            writer.key(property.name)
            switch property.value {
            case .string(let text): writer.string(text)
            case .int(let number): writer.int(number)
            case .bool(let flag): writer.bool(flag)
            case .strings(let list):
                writer.beginArray()
                for text in list { writer.string(text) }
                writer.endArray()
            }
        }
        writer.endObject()
    }

    /// The properties of an object `writeObject` wrote, in order; `nil` for any other value (nested objects, nulls,
    /// non-integral numbers, lists of anything but strings, or a number under a name `allowsInteger` refuses).
    public static func readObject(_ object: JSONValue?, allowsInteger: (String) -> Bool) -> [EventProperty]? {
        guard let object, object.kind == .object else { return nil }
        var properties: [EventProperty] = []
        for (name, value) in object.members {
            switch value.kind {
            case .string:
                guard let text = value.string else { return nil }
                properties.append(EventProperty(name, .string(text)))
            case .bool:
                guard let flag = value.bool else { return nil }
                properties.append(EventProperty(name, .bool(flag)))
            case .number:
                guard let number = value.int, allowsInteger(name) else { return nil }
                properties.append(EventProperty(name, .int(number)))
            case .array:
                var list: [String] = []
                for element in value.elements {
                    guard let text = element.string else { return nil }
                    list.append(text)
                }
                properties.append(EventProperty(name, .strings(list)))
            case .object, .null:
                return nil
            }
        }
        return properties
    }
}
