import FlatJSON
import IntercomFullStory
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Files the tests read: the project's events/ and the shared real Intercom samples.
enum Fixtures {
    static let testSecret = "test-intercom-client-secret"

    static var root: String { repositoryRoot }

    static var samplesDirectory: String { root + "/../shared/intercom-samples" }

    static func read(_ path: String) -> [UInt8] { readBytes(path) }

    static func list(_ directory: String, suffix: String) -> [String] {
        guard let handle = opendir(directory) else { return [] }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name.hasSuffix(suffix) { names.append(name) }
        }
        return names.sorted()
    }

    static var eventFiles: [String] { list(root + "/events", suffix: ".json") }
    /// The shared corpus of real Intercom payloads: present here and in CI, absent in a bare clone.
    static var sampleFiles: [String] { list(samplesDirectory, suffix: ".json") }
    static var samplesPresent: Bool { !sampleFiles.isEmpty }
    /// Our own notification bodies, one per shape the corpus exercises (Tests/Fixtures/notifications).
    static var notificationsDirectory: String { root + "/Tests/Fixtures/notifications" }
    static var notificationFiles: [String] { list(notificationsDirectory, suffix: ".json") }

    /// A notification body to test: one of ours, or one of the shared corpus.
    struct Payload: Sendable, CustomStringConvertible {
        var name: String
        var path: String
        var description: String { name }
        var bytes: [UInt8] { Fixtures.read(path) }
    }

    /// Every notification body there is: ours always, the corpus when it is beside the clone.
    static var payloads: [Payload] {
        notificationFiles.map { Payload(name: $0, path: notificationsDirectory + "/" + $0) }
            + sampleFiles.map { Payload(name: $0, path: samplesDirectory + "/" + $0) }
    }

    static func notification(_ name: String) -> [UInt8] { read(notificationsDirectory + "/" + name) }

    static func event(_ name: String) -> [UInt8] { read(root + "/events/" + name) }
    static func body(_ name: String) -> [UInt8] { read(root + "/events/bodies/" + name) }
    static func sample(_ name: String) -> [UInt8] { read(samplesDirectory + "/" + name) }

    static var configuration: WebhookConfiguration {
        WebhookConfiguration(signature: .verify(secret: Array(testSecret.utf8)))
    }

    /// A REST API (1.0) POST event around `body`, with the given signature header (or the correct one).
    static func restEvent(
        body: [UInt8], method: String = "POST", signature: String? = nil, headerName: String = "X-Hub-Signature",
        secret: String = testSecret
    ) -> [UInt8] {
        SignedEvents.restAPI(body: body, method: method, signature: signature, headerName: headerName, secret: secret)
    }

    /// An HTTP API (2.0) POST event around `body`, signed with the test secret.
    static func httpEvent(body: [UInt8]) -> [UInt8] { SignedEvents.httpAPI(body: body) }
}

extension WebhookDecision {
    /// The response API Gateway would get if delivery succeeded (for decisions that deliver).
    var statusIfDelivered: Int {
        switch self {
        case .reply(let reply): reply.response.statusCode
        case .deliver: 200
        }
    }

    var draft: EventDraft? {
        if case .deliver(let draft) = self { draft } else { nil }
    }

    var reply: WebhookReply? {
        if case .reply(let reply) = self { reply } else { nil }
    }
}
