#!/usr/bin/env python3
"""Checks a release folder's template.yaml against the repository's: both parsed with the SAM translator's YAML loader
(as deploy/check-template.py reads it), they must be equal once the release's own changes are undone (the function's
CodeUri and BuildMethod, the Rules section, the top-level Metadata), and those changes must be what
deploy/release-template.py promises: a CodeUri naming a zip beside the template with an executable `bootstrap` at
its root, no BuildMethod, and Serverless Application Repository metadata within the service's limits, its files
beside the template. With --self-test it also shows that it catches a change anywhere else.
Run with the python of aws-sam-cli's environment.

Usage: check-release-template.py RELEASE_FOLDER [--self-test]
"""
import copy
import os
import re
import stat
import subprocess
import sys
import zipfile

from samtranslator.yaml_helper import yaml_parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FUNCTION = "IntercomFullStoryFunction"


def version_in_code():
    return subprocess.run([os.path.join(ROOT, "deploy", "version.sh")], check=True, capture_output=True, text=True).stdout.strip()


def metadata_problems(application, folder):
    """The limits of the Serverless Application Repository's API (docs/releases.md)."""
    problems = []
    rules = {
        "Name": r"[a-zA-Z0-9-]{1,140}",
        "Description": r"(?s).{1,256}",
        "Author": r"[a-z0-9](?:[a-z0-9]|-(?!-)){0,125}[a-z0-9]",
        "SpdxLicenseId": r"Apache-2\.0",
        "SemanticVersion": re.escape(version_in_code()),
    }
    for key, pattern in rules.items():
        if not re.fullmatch(pattern, str(application.get(key, ""))):
            problems.append("Metadata %s is %r" % (key, application.get(key)))
    for key in ("LicenseUrl", "ReadmeUrl"):
        if not os.path.isfile(os.path.join(folder, str(application.get(key)))):
            problems.append("Metadata %s names %r, not a file beside the template" % (key, application.get(key)))
    labels = application.get("Labels", [])
    if len(labels) > 10 or not all(re.fullmatch(r"[a-zA-Z0-9+\-_:/@]{1,127}", label) for label in labels):
        problems.append("Metadata Labels %r: at most 10, no spaces" % labels)
    for key in ("HomePageUrl", "SourceCodeUrl"):
        if key in application and not str(application[key]).startswith("https://"):
            problems.append("Metadata %s is %r" % (key, application[key]))
    unknown = set(application) - set(rules) - {"LicenseUrl", "ReadmeUrl", "Labels", "HomePageUrl", "SourceCodeUrl"}
    if unknown:
        problems.append("Metadata has fields the service does not know: %s" % sorted(unknown))
    return problems


def zip_problems(path):
    if not zipfile.is_zipfile(path):
        return ["CodeUri %s is not a zip beside the template" % os.path.basename(path)]
    with zipfile.ZipFile(path) as archive:
        entries = {info.filename: info for info in archive.infolist()}
    bootstrap = entries.get("bootstrap")
    if bootstrap is None:
        return ["%s has no bootstrap at its root" % os.path.basename(path)]
    if stat.S_IMODE(bootstrap.external_attr >> 16) != 0o755:
        return ["bootstrap in %s has mode %o, not 755" % (os.path.basename(path), stat.S_IMODE(bootstrap.external_attr >> 16))]
    return []


def compare(repository, release, folder):
    problems = []
    release = copy.deepcopy(release)
    metadata = release.pop("Metadata", {})
    if "Metadata" in repository:
        problems.append("template.yaml has a top-level Metadata section: the release's would hide changes to it")
    if set(metadata) - {"AWS::ServerlessRepo::Application"}:
        problems.append("the release's Metadata holds more than the application: %s" % sorted(metadata))
    application = metadata.get("AWS::ServerlessRepo::Application")
    if application is None:
        problems.append("no Metadata: AWS::ServerlessRepo::Application")
    else:
        problems += metadata_problems(application, folder)
    function = release.get("Resources", {}).get(FUNCTION, {})
    code_uri = function.get("Properties", {}).get("CodeUri")
    if not isinstance(code_uri, str) or code_uri == ".":
        problems.append("the function's CodeUri is %r, not the release zip" % code_uri)
    else:
        problems += zip_problems(os.path.join(folder, code_uri))
        function["Properties"]["CodeUri"] = "."
    if "BuildMethod" in function.get("Metadata", {}):
        problems.append("the function still has a BuildMethod: sam deploy would not need it, sam build would rebuild")
    function.setdefault("Metadata", {})["BuildMethod"] = "makefile"
    if "Rules" in release:
        problems.append("the release template keeps Rules (the Serverless Application Repository may refuse it)")
    if "Rules" in repository:
        release["Rules"] = repository["Rules"]
    if release != repository:
        differing = sorted(key for key in set(release) | set(repository) if release.get(key) != repository.get(key))
        for key in differing:
            inner = release.get(key), repository.get(key)
            if all(isinstance(part, dict) for part in inner):
                names = sorted(k for k in set(inner[0]) | set(inner[1]) if inner[0].get(k) != inner[1].get(k))
                problems.append("%s differs from template.yaml in %s" % (key, ", ".join(names)))
            else:
                problems.append("%s differs from template.yaml" % key)
    return problems


def self_test(repository, release, folder):
    """A change anywhere but the release's own lines must be caught."""
    mutations = {
        "a parameter's default": lambda t: t["Parameters"]["FullStoryApiUrl"].__setitem__("Default", "https://example.com"),
        "the function's memory": lambda t: t["Resources"][FUNCTION]["Properties"].__setitem__("MemorySize", 256),
        "an output removed": lambda t: t["Outputs"].popitem(),
        "a BuildMethod kept": lambda t: t["Resources"][FUNCTION]["Metadata"].__setitem__("BuildMethod", "makefile"),
        "the version": lambda t: t["Metadata"]["AWS::ServerlessRepo::Application"].__setitem__("SemanticVersion", "0.0.1"),
        "Rules kept": lambda t: t.__setitem__("Rules", {"AtLeastOneDestination": {}}),
        "other metadata": lambda t: t["Metadata"].__setitem__("AWS::CloudFormation::Interface", {}),
    }
    missed = []
    for name, mutate in mutations.items():
        changed = copy.deepcopy(release)
        mutate(changed)
        if not compare(repository, changed, folder):
            missed.append(name)
    return ["the check misses %s" % name for name in missed]


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    folder = sys.argv[1]
    with open(os.path.join(ROOT, "template.yaml")) as source:
        repository = yaml_parse(source.read())
    with open(os.path.join(folder, "template.yaml")) as source:
        release = yaml_parse(source.read())
    problems = compare(repository, release, folder)
    if "--self-test" in sys.argv[2:]:
        problems += self_test(repository, release, folder)
    for problem in problems:
        print("check-release-template: " + problem, file=sys.stderr)
    print("check-release-template: %s" % ("FAIL" if problems else
          "the release template is template.yaml with the zip, no build, no Rules and its metadata"))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
