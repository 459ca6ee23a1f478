#if canImport(Glibc)
import Glibc
#endif
import IntercomFullStory
import TestSupport
import Testing

/// The documentation holds together: every relative link resolves (to a file, and to a heading when it names
/// one), every alarm in template.yaml has its runbook entry, and the README stays a page a newcomer reads.
@Suite struct DocumentationTests {
    static var pages: [String] {
        var pages = ["README.md", "CHANGELOG.md", "events/README.md"]
        if let directory = opendir(repositoryRoot + "/docs") {
            defer { closedir(directory) }
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                if name.hasSuffix(".md") { pages.append("docs/" + name) }
            }
        }
        return pages.sorted()
    }

    /// GitHub's anchor for a heading: lowercase, punctuation dropped, spaces as hyphens.
    static func anchor(_ heading: String) -> String {
        String(heading.lowercased().unicodeScalars.compactMap { scalar -> Character? in
            if scalar == " " { return "-" }
            if scalar == "-" || scalar == "_" || scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
                return Character(scalar)
            }
            return nil
        })
    }

    static func anchors(in text: String) -> Set<String> {
        var inCode = false
        var anchors: Set<String> = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("```") { inCode.toggle() }
            guard !inCode, line.hasPrefix("#") else { continue }
            anchors.insert(anchor(String(line.drop { $0 == "#" }.drop { $0 == " " })))
        }
        return anchors
    }

    /// The targets of `[text](target)` links outside code blocks and code spans.
    static func links(in text: String) -> [String] {
        var links: [String] = []
        var inCode = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("```") { inCode.toggle() }
            guard !inCode else { continue }
            var rest = Substring(line)
            var inSpan = false
            while let index = rest.firstIndex(where: { $0 == "`" || $0 == "]" }) {
                if rest[index] == "`" {
                    inSpan.toggle()
                    rest = rest[rest.index(after: index)...]
                    continue
                }
                let after = rest[rest.index(after: index)...]
                if !inSpan, after.hasPrefix("("), let close = after.firstIndex(of: ")") {
                    links.append(String(after[after.index(after: after.startIndex)..<close]))
                }
                rest = after
            }
        }
        return links
    }

    static func resolve(_ target: String, from page: String) -> String {
        var parts = page.split(separator: "/").dropLast().map(String.init)
        for part in target.split(separator: "/") {
            if part == ".." { _ = parts.popLast() } else if part != "." { parts.append(String(part)) }
        }
        return parts.joined(separator: "/")
    }

    @Test func everyRelativeLinkResolves() {
        for page in Self.pages {
            let text = readFile(repositoryRoot + "/" + page)
            #expect(!text.isEmpty, "\(page) is missing")
            for link in Self.links(in: text) where !link.hasPrefix("http://") && !link.hasPrefix("https://") && !link.hasPrefix("mailto:") {
                let pieces = link.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                let path = pieces[0].isEmpty ? page : Self.resolve(pieces[0], from: page)
                #expect(fileExists(repositoryRoot + "/" + path), "\(page) links to \(link), which does not exist")
                if pieces.count == 2, path.hasSuffix(".md") {
                    #expect(
                        Self.anchors(in: readFile(repositoryRoot + "/" + path)).contains(pieces[1]),
                        "\(page) links to \(link): no such heading")
                }
            }
        }
    }

    @Test func everyAlarmHasARunbookEntry() throws {
        let template = TemplateText()
        let alarms = template.entries(of: "Resources").filter {
            TemplateText.values(of: "Type", inLines: $0.lines) == ["AWS::CloudWatch::Alarm"]
        }.map(\.name)
        #expect(alarms.count >= 8)
        let runbook = readFile(repositoryRoot + "/docs/operations.md")
        let headings = Self.anchors(in: runbook)
        for alarm in alarms {
            #expect(headings.contains(Self.anchor(alarm)), "docs/operations.md has no runbook entry (### \(alarm))")
        }
    }

    /// The release's README.md (deploy/release-readme.md) is the Serverless Application Repository's page, read apart
    /// from this repository: no relative link, and every parameter or output it names is the template's.
    @Test func theApplicationPageStandsAlone() {
        let text = readFile(repositoryRoot + "/deploy/release-readme.md")
        #expect(!text.isEmpty)
        for link in Self.links(in: text) {
            #expect(link.hasPrefix("https://"), "deploy/release-readme.md links to \(link), which the application page cannot follow")
        }
        let template = TemplateText()
        let names = Set((template.entries(of: "Parameters") + template.entries(of: "Outputs")).map(\.name))
        let quoted = text.split(separator: "`", omittingEmptySubsequences: false).enumerated().filter { $0.offset % 2 == 1 }
        let identifiers = quoted.map { String($0.element) }.filter { word in
            guard let first = word.unicodeScalars.first, ("A"..."Z").contains(first) else { return false }
            return word.unicodeScalars.dropLast(word.hasSuffix("*") ? 1 : 0).allSatisfy {
                ("A"..."Z").contains($0) || ("a"..."z").contains($0) || ("0"..."9").contains($0)
            } && word.unicodeScalars.contains { ("a"..."z").contains($0) }
        }
        #expect(identifiers.count >= 8, "the page names the main parameters")
        for identifier in identifiers {
            if identifier.hasSuffix("*") {
                #expect(names.contains { $0.hasPrefix(identifier.dropLast()) }, "no parameter \(identifier) in template.yaml")
            } else {
                #expect(names.contains(identifier), "deploy/release-readme.md names \(identifier), which template.yaml does not have")
            }
        }
    }

    /// docs/security.md lists every outbound call the function makes.
    @Test func everyOutboundCallIsListed() {
        let security = readFile(repositoryRoot + "/docs/security.md")
        for call in [
            "{FULLSTORY_API_URL}/v2/events", "{FULLSTORY_API_URL}/sessions/v2", "{INTERCOM_API_URL}/contacts/{",
            "{INTERCOM_API_URL}/conversations/{", "{ABSMARTLY_COLLECTOR_URL}/context",
        ] {
            #expect(security.contains(call), "docs/security.md does not list \(call)")
        }
    }

    /// The queue message's `session_source` row names every source the code writes.
    @Test func everySessionSourceIsDocumented() throws {
        let reliability = readFile(repositoryRoot + "/docs/reliability.md").split(separator: "\n")
        let row = try #require(reliability.first { $0.hasPrefix("| `session_source` | only with a `session.id` link") })
        for source in SessionLink.Source.allCases {
            #expect(row.contains("`\(source.rawValue)`"), "docs/reliability.md's session_source row lacks \(source.rawValue)")
        }
    }

    /// Every type the walk of a webhook names is declared in Sources/ (the walk follows the code as it is).
    @Test func theWalkNamesTypesThatExist() throws {
        let sections = readFile(repositoryRoot + "/docs/development.md").split(separator: "\n## ")
        let walk = try #require(sections.first { $0.hasPrefix("The walk of one webhook") })
        let quoted = walk.split(separator: "`", omittingEmptySubsequences: false).enumerated().filter { $0.offset % 2 == 1 }
        let names = Set(quoted.compactMap { piece -> String? in
            let name = piece.element.split(separator: ".").first.map(String.init) ?? ""
            guard let first = name.unicodeScalars.first, ("A"..."Z").contains(first),
                name.unicodeScalars.allSatisfy({ ("A"..."Z").contains($0) || ("a"..."z").contains($0) || ("0"..."9").contains($0) })
            else { return nil }
            return name
        })
        #expect(names.count >= 15)
        // The contact lookup is credited to the type that makes it.
        let lookups = Self.swiftFiles(under: repositoryRoot + "/Sources").filter {
            readFile($0).contains(".sessionAttribute(contactID:")
        }.map { String($0.split(separator: "/").last?.dropLast(".swift".count) ?? "") }
        #expect(!lookups.isEmpty)
        for caller in lookups { #expect(names.contains(caller), "the walk does not name \(caller), which makes the contact lookup") }
        let sources = Self.swiftFiles(under: repositoryRoot + "/Sources").map(readFile).joined(separator: "\n")
        for name in names {
            var declared = fileExists(repositoryRoot + "/Sources/" + name)
            for keyword in ["struct ", "class ", "enum ", "protocol "] where !declared {
                let declaration: String = keyword + name
                declared = sources.contains(declaration + " ") || sources.contains(declaration + ":")
            }
            #expect(declared, "docs/development.md's walk names \(name), which Sources/ does not declare")
        }
    }

    static func swiftFiles(under directory: String) -> [String] {
        guard let handle = opendir(directory) else { return [] }
        defer { closedir(handle) }
        var files: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self) }
            guard !name.hasPrefix(".") else { continue }
            let path = directory + "/" + name
            if name.hasSuffix(".swift") { files.append(path) } else if entry.pointee.d_type == UInt8(DT_DIR) { files += swiftFiles(under: path) }
        }
        return files
    }

    @Test func theReadmeIsAPageNotAManual() {
        let lines = readFile(repositoryRoot + "/README.md").split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count <= 250, "README.md has \(lines.count) lines")
    }
}
