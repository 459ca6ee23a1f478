import CurlHTTP
import IntercomFullStory
import ServiceClients

/// `intercom-fullstory setup`: checks the Intercom token (the workspace), creates the contact attribute the
/// browser snippet writes (Messenger-writable) and the conversation attribute pinning writes (through Intercom's
/// Unstable API version, the only one that documents it; otherwise it prints the steps to create it by hand),
/// checks the FullStory key with a harmless List Sessions call, and prints the webhook topics and template
/// parameters. Idempotent: what exists is left alone. With `dryRun` it changes nothing and says what it would do.
public final class SetupRun {
    /// What a run came to: 0 when everything is in place (or would be, for a dry run), 1 when a step failed or
    /// is left to do by hand.
    public private(set) var exitStatus: Int32 = 0

    private let configuration: SetupConfiguration
    private let dryRun: Bool
    private let write: (String) -> Void

    public init(configuration: SetupConfiguration, dryRun: Bool, write: @escaping (String) -> Void) {
        self.configuration = configuration
        self.dryRun = dryRun
        self.write = write
    }

    public func run() throws(HTTPClientError) {
        let attribute = configuration.services.sessionAttribute
        let intercom = DataAttributesClient(
            api: IntercomAPI(baseURL: configuration.services.intercomAPIURL, accessToken: configuration.intercomAccessToken, http: try HTTPClient(options: configuration.services.httpOptions)))
        if dryRun { write("Dry run: nothing is created.") }

        // 1. The token and its workspace; nothing else can work without it.
        do {
            let workspace = try intercom.workspace()
            write("ok    Intercom: workspace \(workspace.name ?? "?") (\(workspace.id ?? "?"))")
        } catch {
            fail("Intercom: cannot read the workspace (GET /me): \(explain(error, permission: "Read admins"))")
            return
        }

        // 2. The contact attribute the browser snippet writes.
        ensure(attribute, model: "contact", client: intercom, messengerWritable: true,
            description: "FullStory session of the visitor's latest visit (written by the Messenger snippet)")

        // 3. The conversation attribute pinning writes.
        ensure(attribute, model: "conversation", client: intercom, messengerWritable: false,
            description: "FullStory session where the conversation happened (written by intercom-fullstory)")

        // 4. The FullStory key.
        checkFullStory()

        // 5. What to set elsewhere.
        let topics = TopicTable.routes.filter(\.enabledByDefault).map(\.topic)
        write("")
        write("Subscribe the Intercom app's webhooks (Developer Hub, your app, Webhooks) to: \(topics.joined(separator: ", "))")
        write("  optional: \(TopicTable.optionalTopics.joined(separator: ", ")) (list them in FullStoryEventTopics)")
        write("Deploy with: PinSessions=true IntercomAccessToken=<this token> FullStorySessionAttribute=\(attribute)")
        write("  and, for links agents can click, FullStoryOrgId=<the o-… part of your FullStory URLs>")
        write(
            "The token's app needs: \"Read one user and one company\" (the contact lookup), \"\(ConversationUpdate.readPermission)\" and \"\(ConversationUpdate.permission)\" (pins).")
        write(exitStatus == 0 ? "Set-up complete." : "Set-up incomplete: see the lines marked \"todo\" or \"fail\" above.")
    }

    private func ensure(_ name: String, model: String, client: DataAttributesClient, messengerWritable: Bool, description: String) {
        let existing: [DataAttributesClient.Attribute]
        do {
            existing = try client.attributes(model: model)
        } catch {
            fail("Intercom: cannot list the \(model) attributes: \(explain(error, permission: "Read and write data attributes"))")
            return
        }
        if let found = existing.first(where: { $0.name == name && !$0.archived }) {
            if let type = found.dataType, type != "string" {
                todo("Intercom: the \(model) attribute \"\(name)\" exists with the format \(type); a session is text: archive it and run setup again, or set FULLSTORY_SESSION_ATTRIBUTE to another name")
            } else if !found.apiWritable {
                todo("Intercom: the \(model) attribute \"\(name)\" may not be written through the API: allow it in Settings, Data")
            } else if messengerWritable && !found.messengerWritable {
                todo("Intercom: the \(model) attribute \"\(name)\" exists but the Messenger may not write it: Settings, Data, People, \"\(name)\", allow the Messenger to update it")
            } else {
                write("ok    Intercom: the \(model) attribute \"\(name)\" exists")
            }
            return
        }
        if dryRun {
            write("would create the \(model) attribute \"\(name)\" (text\(messengerWritable ? ", Messenger-writable" : ""))")
            return
        }
        do {
            try client.create(name: name, model: model, description: description, messengerWritable: messengerWritable)
            write("done  Intercom: created the \(model) attribute \"\(name)\"")
        } catch {
            if model == "conversation" {
                todo("""
                    Intercom: cannot create the conversation attribute through the API (\(explain(error, permission: "Read and write data attributes"))). Create it by hand: \
                    Intercom, Settings, Data, Conversations, Create attribute: name "\(name)", format Text. Then run setup again.
                    """)
            } else {
                fail("Intercom: cannot create the contact attribute \"\(name)\": \(explain(error, permission: "Read and write data attributes"))")
            }
        }
    }

    private func checkFullStory() {
        guard let key = configuration.fullStoryAPIKey else {
            write("skip  FullStory: FULLSTORY_API_KEY is not set, the key was not checked")
            return
        }
        do {
            let api = FullStoryAPI(baseURL: configuration.services.fullStoryAPIURL, apiKey: key)
            // A uid no one has: lists nothing, changes nothing.
            let response = try HTTPClient(options: configuration.services.httpOptions)
                .perform(api.listSessions(uid: "intercom-fullstory-setup-check", limit: 1, timeoutMilliseconds: 15_000))
            switch response.status {
            case 200: write("ok    FullStory: the key may list sessions (\(configuration.services.fullStoryAPIURL))")
            case 401, 403: fail("FullStory refused FULLSTORY_API_KEY (\(response.status)): a Standard key of this account, and FULLSTORY_API_URL of its region")
            default: fail("FullStory answered \(response.status) to List Sessions; check FULLSTORY_API_URL")
            }
        } catch {
            fail("FullStory: cannot reach \(configuration.services.fullStoryAPIURL): \(error)")
        }
    }

    private func explain(_ error: Error, permission: String) -> String {
        guard let refusal = error as? DataAttributesClient.Refusal else { return "\(error)" }
        if IntercomRefusal.isTokenRefusal(status: refusal.status) {
            return "\(refusal); " + IntercomRefusal.fix(status: refusal.status, code: refusal.code, permission: permission)
        }
        return refusal.description
    }

    private func fail(_ line: String) {
        exitStatus = 1
        write("fail  " + line)
    }

    private func todo(_ line: String) {
        exitStatus = 1
        write("todo  " + line)
    }
}
