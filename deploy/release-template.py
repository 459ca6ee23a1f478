#!/usr/bin/env python3
"""Writes the release's template.yaml from the repository's, by line substitution (a YAML round trip would lose the
`!Ref` tags and every comment):
- the function's `CodeUri: .` names the release zip beside the template, and `BuildMethod: makefile` goes: `sam
  deploy` uploads the zip as it is, with no build;
- the `Rules:` section goes: no AWS documentation says the Serverless Application Repository accepts it (docs/
  releases.md), and a stack without a destination is refused anyway by the function's init error;
- a top-level `Metadata: AWS::ServerlessRepo::Application` block is added (literal values only: the service takes no
  intrinsic functions there). HomePageUrl and SourceCodeUrl are written only when known (RELEASE_SOURCE_URL, else
  the Git remote `origin` when it is a GitHub address): never an invented URL.
deploy/check-release-template.py checks that nothing else differs.

Usage: deploy/release-template.py --version V --zip NAME [--source-url URL] < template.yaml > release/template.yaml
"""
import argparse
import re
import subprocess
import sys

APPLICATION_NAME = "intercom-fullstory"
DESCRIPTION = ("Intercom conversation webhooks (opened, closed, rated) become FullStory custom events on the "
               "customer's session replay, and optionally ABsmartly goals; durable through SQS.")
AUTHOR = "intercom-fullstory-maintainers"
LABELS = ["intercom", "fullstory", "webhook", "session-replay", "absmartly", "swift", "lambda"]
CODE_URI = "      CodeUri: .\n"
BUILD_METHOD = "      BuildMethod: makefile\n"


def fail(message):
    print("release-template: " + message, file=sys.stderr)
    sys.exit(1)


def github_url(remote):
    """The https address of a GitHub remote (https or ssh form), or None."""
    match = re.fullmatch(r"(?:https://github\.com/|git@github\.com:|ssh://git@github\.com/)([A-Za-z0-9_.-]+)/"
                         r"([A-Za-z0-9_.-]+?)(?:\.git)?/?", remote.strip())
    return "https://github.com/%s/%s" % match.groups() if match else None


def source_url(explicit):
    if explicit:
        if not re.fullmatch(r"https://[^\s'\"]+", explicit):
            fail("RELEASE_SOURCE_URL must be an https URL, not %r" % explicit)
        return explicit.rstrip("/")
    remote = subprocess.run(["git", "remote", "get-url", "origin"], capture_output=True, text=True)
    return github_url(remote.stdout) if remote.returncode == 0 else None


def metadata(version, url):
    lines = [
        "# The Serverless Application Repository's page for this application (docs/releases.md). `sam package`",
        "# uploads LICENSE and README.md beside this template and rewrites both to s3:// addresses.",
        "Metadata:",
        "  AWS::ServerlessRepo::Application:",
        "    Name: " + APPLICATION_NAME,
        "    Description: \"%s\"" % DESCRIPTION,
        "    Author: " + AUTHOR,
        "    SpdxLicenseId: Apache-2.0",
        "    LicenseUrl: LICENSE",
        "    ReadmeUrl: README.md",
        "    Labels: [%s]" % ", ".join(LABELS),
        "    SemanticVersion: " + version,
    ]
    if url:
        lines += ["    HomePageUrl: " + url, "    SourceCodeUrl: " + url]
    return "\n".join(lines) + "\n\n"


def without_rules(lines):
    """Drops the top-level `Rules:` section: its line and every indented or blank line after it."""
    if lines.count("Rules:\n") != 1:
        fail("expected one top-level Rules: section")
    start = lines.index("Rules:\n")
    end = start + 1
    while end < len(lines) and (lines[end].startswith(" ") or lines[end] == "\n"):
        end += 1
    return lines[:start] + lines[end:]


def release_template(text, version, zip_name, url):
    if not re.fullmatch(r"\d+\.\d+\.\d+", version):
        fail("the version must be MAJOR.MINOR.PATCH, not %r" % version)
    lines = text.splitlines(keepends=True)
    if lines.count(CODE_URI) != 1 or lines.count(BUILD_METHOD) != 1:
        fail("expected exactly one %r and one %r in template.yaml" % (CODE_URI.strip(), BUILD_METHOD.strip()))
    if any(line.startswith("Metadata:") for line in lines):
        fail("template.yaml already has a top-level Metadata section")
    lines = ["      CodeUri: %s\n" % zip_name if line == CODE_URI else line for line in lines if line != BUILD_METHOD]
    lines = without_rules(lines)
    parameters = lines.index("Parameters:\n")
    return "".join(lines[:parameters]) + metadata(version, url) + "".join(lines[parameters:])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--version", required=True)
    parser.add_argument("--zip", required=True)
    parser.add_argument("--source-url", default="")
    arguments = parser.parse_args()
    sys.stdout.write(release_template(sys.stdin.read(), arguments.version, arguments.zip,
                                      source_url(arguments.source_url)))


if __name__ == "__main__":
    main()
