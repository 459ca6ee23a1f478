import FlatJSON
import TestSupport
import Testing

/// `intercom-fullstory setup` as a user runs it, against stand-ins for Intercom (workspace, data attributes) and
/// FullStory (List Sessions).
@Suite(.serialized) struct SetupCommandTests {
    struct Rig {
        let intercom: IntercomStandIn
        let fullStory: StandInServer

        func run(_ arguments: [String] = [], environment extra: [String: String?] = [:]) throws -> CommandRun.Outcome {
            var variables: [String: String?] = [
                "INTERCOM_ACCESS_TOKEN": IntercomStandIn.token, "INTERCOM_API_URL": intercom.baseURL,
                "FULLSTORY_API_KEY": "na1.setup-test-key", "FULLSTORY_API_URL": fullStory.baseURL,
            ]
            for (name, value) in extra { variables[name] = value }
            return try CommandRun.run(["setup"] + arguments, environment: variables.compactMapValues { $0 })
        }

        var creations: [StandInServer.Request] { intercom.requests.filter { $0.method == "POST" } }

        func shutdown() {
            intercom.shutdown()
            fullStory.shutdown()
        }
    }

    static func rig(_ intercom: IntercomStandIn, fullStoryStatus: Int = 200) throws -> Rig {
        let fullStory = try StandInServer { request, _ in
            guard request.uri.hasPrefix("/sessions/v2?"), request.header("Authorization") == "Basic na1.setup-test-key" else {
                return .json(401, #"{"code":"unauthorized","message":"bad key"}"#)
            }
            return .json(fullStoryStatus, fullStoryStatus == 200 ? #"{"sessions":[]}"# : #"{"code":"x","message":"y"}"#)
        }
        return Rig(intercom: intercom, fullStory: fullStory)
    }

    @Test func createsBothAttributesOnceAndChecksTheKey() throws {
        let rig = try Self.rig(try IntercomStandIn(dataAttributes: []))
        let first = try rig.run()
        #expect(first.status == 0, "\(first.output)\(first.errors)")
        #expect(first.output.contains("ok    Intercom: workspace Example Shop (abc123def)\n"))
        #expect(!first.output.contains("@"), "no admin's email")
        #expect(first.output.contains(#"done  Intercom: created the contact attribute "fs_session_id""#))
        #expect(first.output.contains(#"done  Intercom: created the conversation attribute "fs_session_id""#))
        #expect(first.output.contains("ok    FullStory: the key may list sessions"))
        #expect(first.output.contains("conversation.user.created, conversation.admin.closed, conversation.rating.added"))
        #expect(first.output.contains("PinSessions=true"))
        #expect(first.output.hasSuffix("Set-up complete.\n"))
        let creations = rig.creations
        #expect(creations.count == 2)
        let contact = try JSONDocument(parsing: creations[0].body).root
        #expect(contact["model"]?.string == "contact" && contact["messenger_writable"]?.bool == true && contact["data_type"]?.string == "string")
        #expect(creations[0].header("Intercom-Version") == "2.14")
        let conversation = try JSONDocument(parsing: creations[1].body).root
        #expect(conversation["model"]?.string == "conversation")
        #expect(creations[1].header("Intercom-Version") == "Unstable", "only the Unstable version documents it")
        #expect(rig.intercom.dataAttributes.count == 2)
        #expect(rig.fullStory.requests.first?.uri == "/sessions/v2?uid=intercom-fullstory-setup-check&limit=1")

        // Idempotent: a second run finds both and creates nothing.
        let second = try rig.run()
        #expect(second.status == 0)
        #expect(second.output.contains(#"ok    Intercom: the contact attribute "fs_session_id" exists"#))
        #expect(second.output.contains(#"ok    Intercom: the conversation attribute "fs_session_id" exists"#))
        #expect(rig.creations.count == 2)
        rig.shutdown()
    }

    @Test func aDryRunChangesNothing() throws {
        let rig = try Self.rig(try IntercomStandIn(dataAttributes: []))
        let outcome = try rig.run(["--dry-run"])
        #expect(outcome.status == 0)
        #expect(outcome.output.hasPrefix("Dry run: nothing is created.\n"))
        #expect(outcome.output.contains(#"would create the contact attribute "fs_session_id" (text, Messenger-writable)"#))
        #expect(outcome.output.contains(#"would create the conversation attribute "fs_session_id" (text)"#))
        #expect(rig.creations.isEmpty)
        rig.shutdown()
    }

    @Test func aConversationAttributeTheAPIWillNotCreateIsLeftWithItsSteps() throws {
        let rig = try Self.rig(try IntercomStandIn(dataAttributes: [.init(name: "fs_session_id", model: "contact", messengerWritable: true)], createsConversationAttributes: false))
        let outcome = try rig.run()
        #expect(outcome.status == 1)
        #expect(outcome.output.contains("todo  Intercom: cannot create the conversation attribute through the API (Intercom answered 400 parameter_invalid)"))
        #expect(outcome.output.contains(#"Settings, Data, Conversations, Create attribute: name "fs_session_id", format Text"#))
        #expect(outcome.output.hasSuffix("Set-up incomplete: see the lines marked \"todo\" or \"fail\" above.\n"))
        rig.shutdown()
    }

    @Test func anAttributeOfAnotherFormatIsToldNotAccepted() throws {
        let rig = try Self.rig(try IntercomStandIn(dataAttributes: [
            .init(name: "fs_session_id", model: "contact", messengerWritable: true), .init(name: "fs_session_id", model: "conversation", dataType: "integer"),
        ]))
        let outcome = try rig.run()
        #expect(outcome.status == 1)
        #expect(outcome.output.contains(#"todo  Intercom: the conversation attribute "fs_session_id" exists with the format integer"#))
        #expect(rig.creations.isEmpty)
        rig.shutdown()
    }

    @Test func aMissingPermissionIsNamed() throws {
        let rig = try Self.rig(try IntercomStandIn(permissions: [.readContacts, .writeConversations]))
        let outcome = try rig.run()
        #expect(outcome.status == 1)
        #expect(outcome.output.contains(#"fail  Intercom: cannot list the contact attributes: Intercom answered 401 token_unauthorized; the Intercom app behind INTERCOM_ACCESS_TOKEN lacks a permission: give it "Read and write data attributes""#))
        rig.shutdown()
    }

    @Test func aRefusedTokenStopsAtTheWorkspace() throws {
        let rig = try Self.rig(try IntercomStandIn())
        let outcome = try rig.run(environment: ["INTERCOM_ACCESS_TOKEN": "not-the-token"])
        #expect(outcome.status == 1)
        #expect(outcome.output.contains("fail  Intercom: cannot read the workspace (GET /me): Intercom answered 401 unauthorized; Intercom refused INTERCOM_ACCESS_TOKEN (unauthorized): set a valid access token"))
        #expect(!outcome.output.contains("not-the-token"), "never the token")
        #expect(rig.creations.isEmpty && rig.fullStory.requests.isEmpty)
        rig.shutdown()
    }

    @Test func theFullStoryKeyIsCheckedWhenSet() throws {
        let rig = try Self.rig(try IntercomStandIn())
        let refused = try rig.run(environment: ["FULLSTORY_API_KEY": "na1.revoked"])
        #expect(refused.status == 1)
        #expect(refused.output.contains("fail  FullStory refused FULLSTORY_API_KEY (401)"))
        #expect(!refused.output.contains("na1.revoked"))
        let skipped = try rig.run(environment: ["FULLSTORY_API_KEY": nil])
        #expect(skipped.status == 0)
        #expect(skipped.output.contains("skip  FullStory: FULLSTORY_API_KEY is not set"))
        rig.shutdown()
    }

    @Test func withoutATokenItIsAUsageError() throws {
        let rig = try Self.rig(try IntercomStandIn())
        let outcome = try rig.run(environment: ["INTERCOM_ACCESS_TOKEN": nil])
        #expect(outcome.status == 64)
        #expect(outcome.errors.contains("INTERCOM_ACCESS_TOKEN is required"))
        #expect(rig.intercom.requests.isEmpty)
        rig.shutdown()
    }
}
