import ASCIIText
import FlatJSON

/// What Intercom's refusals of our token mean, for messages that name the fix. Intercom answers 401 both for a
/// token it does not know (`unauthorized`, `token_not_found`, `token_suspended`…) and for one whose app lacks the
/// permission a call needs (`token_unauthorized`, "Not authorized to access resource"); 403 is a permission too.
public enum IntercomRefusal {
    /// The first code of Intercom's `{"type": "error.list", "errors": [{"code", "message"}]}` (the message may echo
    /// request data, so only the code is kept).
    public static func errorCode(_ body: [UInt8]) -> String? {
        guard let document = try? JSONDocument(parsing: body), let errors = document.root["errors"], errors.kind == .array else {
            return nil
        }
        for error in errors.elements where error.kind == .object {
            guard let code = error["code"]?.string, codeRule.accepts(code) else { return nil }
            return code
        }
        return nil
    }

    /// Whether the answer refuses the token or its permissions (401, 403).
    public static func isTokenRefusal(status: Int) -> Bool { status == 401 || status == 403 }

    /// The fix for a 401 or 403: `permission` names what the call needs, as Intercom's app settings show it.
    public static func fix(status: Int, code: String?, permission: String) -> String {
        if status == 403 || code == "token_unauthorized" {
            return "the Intercom app behind INTERCOM_ACCESS_TOKEN lacks a permission: give it \"\(permission)\" (Developer Hub, your app, Authentication)"
        }
        return "Intercom refused INTERCOM_ACCESS_TOKEN (\(code ?? "\(status)")): set a valid access token"
    }

    static let codeRule = IdentifierRule(lowercaseOnly: true, punctuation: "_", maximumLength: 64)
}
