#!/usr/bin/env python3
"""Writes THIRD_PARTY_LICENSES for the release: the license (and NOTICE) texts of every package the named products
link, found by walking the products' target graph through each package's manifest (`swift package dump-package`),
so a package the CLI adds later is listed without anyone remembering to. Test-only packages (swift-nio, …) are not
linked and not listed. Also names the toolchain's runtime libraries the release build links statically.

Usage: deploy/third-party-licenses.py --output FILE PRODUCT [PRODUCT …]   (after a build: it reads .build/checkouts)
"""
import argparse
import glob
import json
import os
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CHECKOUTS = os.path.join(ROOT, ".build", "checkouts")
GCC_COPYRIGHT = "/usr/share/doc/gcc-12-base/copyright"


def fail(message):
    print("third-party-licenses: " + message, file=sys.stderr)
    sys.exit(1)


def manifest(directory):
    try:
        output = subprocess.run(["swift", "package", "dump-package"], cwd=directory, check=True,
                                capture_output=True, text=True).stdout
    except subprocess.CalledProcessError as error:
        fail("swift package dump-package failed in %s: %s" % (directory, error.stderr.strip()))
    return json.loads(output)


def applies_on_linux(condition):
    platforms = (condition or {}).get("platformNames") or []
    return not platforms or "linux" in platforms


def requested_traits(record):
    """The traits a dependency record asks of its package: its `traits` list, or the package's defaults."""
    traits = record.get("traits")
    if traits is None:
        return {"default"}
    return {trait if isinstance(trait, str) else trait.get("name") for trait in traits}


class Graph:
    """Packages reached from products, each package's manifest read once."""

    def __init__(self):
        self.manifests = {}
        self.linked = set()

    def enabled_traits(self, identity):
        """A package's traits as every manifest read so far asks for them (the root's: its defaults), with the
        traits each of them enables."""
        asked = {"default"} if identity is None else set()
        for manifest_of in list(self.manifests.values()):
            for dependency in manifest_of["dependencies"]:
                record = list(dependency.values())[0][0]
                if record.get("identity") == identity:
                    asked |= requested_traits(record)
        definitions = {t["name"]: t.get("enabledTraits", []) for t in (self.package(identity).get("traits") or [])}
        enabled, pending = set(), list(asked)
        while pending:
            trait = pending.pop()
            if trait not in enabled:
                enabled.add(trait)
                pending += definitions.get(trait, [])
        return enabled

    def applies(self, identity, condition):
        """Whether a dependency of `identity`'s applies here: on Linux, and when it names traits, with one of them
        enabled (Hummingbird's ConfigurationSupport and FullFoundation are off: neither they nor what they would
        bring is linked)."""
        traits = (condition or {}).get("traits") or []
        return applies_on_linux(condition) and (not traits or bool(set(traits) & self.enabled_traits(identity)))

    def package(self, identity):
        if identity not in self.manifests:
            directory = os.path.join(ROOT if identity is None else CHECKOUTS, "" if identity is None else identity)
            if not os.path.isdir(directory):
                fail("no checkout of %s in .build/checkouts (build first)" % identity)
            self.manifests[identity] = manifest(directory)
        return self.manifests[identity]

    def visit_product(self, identity, name):
        package = self.package(identity)
        products = [p for p in package["products"] if p["name"] == name]
        if not products:
            fail("package %s has no product %s" % (identity or "root", name))
        if identity is not None:
            self.linked.add(identity)
        for target in products[0]["targets"]:
            self.visit_target(identity, target, set())

    def visit_target(self, identity, name, seen):
        if (identity, name) in seen:
            return
        seen.add((identity, name))
        package = self.package(identity)
        targets = {t["name"]: t for t in package["targets"]}
        for dependency in targets[name]["dependencies"]:
            (kind, value), = dependency.items()
            if kind == "product":
                product, other, _, condition = value
                if self.applies(identity, condition):
                    self.visit_product(other.lower(), product)
            else:  # "target" or "byName": a target of this package, or a product named like its package
                dependency_name, condition = value[0], value[-1]
                if not self.applies(identity, condition):
                    continue
                if dependency_name in targets:
                    self.visit_target(identity, dependency_name, seen)
                else:
                    self.visit_product(self.package_of_product(package, dependency_name), dependency_name)

    def package_of_product(self, package, product):
        for dependency in package["dependencies"]:
            for description in dependency.values():
                identity = description[0]["identity"]
                if any(p["name"] == product for p in self.package(identity)["products"]):
                    return identity
        fail("no dependency provides product %s" % product)


def read(path):
    with open(path, encoding="utf-8") as source:
        return source.read().rstrip("\n")


def section(title, lines):
    rule = "=" * 100
    return "\n".join([rule, title, rule, ""] + lines + [""])


def package_section(identity, pins):
    directory = os.path.join(CHECKOUTS, identity)
    pin = pins.get(identity, {})
    version = pin.get("state", {}).get("version") or pin.get("state", {}).get("revision", "unknown")
    licenses = sorted(glob.glob(os.path.join(directory, "LICENSE*")) + glob.glob(os.path.join(directory, "COPYING*")))
    if not licenses:
        fail("%s has no LICENSE file: its terms cannot be shipped" % identity)
    lines = ["%s %s (%s)" % (identity, version, pin.get("location", "")), "Linked statically into the binaries.", ""]
    for path in licenses:
        lines += ["--- %s" % os.path.basename(path), "", read(path), ""]
    for path in sorted(glob.glob(os.path.join(directory, "NOTICE*"))):
        lines += ["--- %s" % os.path.basename(path), "", read(path), ""]
    return section("Package: " + identity, lines)


def swift_license_file():
    """The toolchain's LICENSE.txt (beside its bin/), else the same Apache-2.0-with-Runtime-Library-Exception text as
    swift-argument-parser ships it (a toolchain unpacked without its share/ folder)."""
    compiler = shutil.which("swiftc") or ""
    prefix = os.path.dirname(os.path.dirname(os.path.realpath(compiler))) if compiler else ""
    candidates = [os.path.join(prefix, "share", "swift", "LICENSE.txt"), os.path.join(prefix, "share", "doc", "swift", "LICENSE.txt"),
                  os.path.join(CHECKOUTS, "swift-argument-parser", "LICENSE.txt")]
    for path in candidates:
        if os.path.isfile(path) and "Runtime Library Exception" in read(path):
            return path
    fail("no Apache-2.0 text with the Runtime Library Exception found (looked in %s)" % ", ".join(candidates))


def toolchain_sections():
    swift_license = swift_license_file()
    swift_version = subprocess.run(["swift", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    sections = [section("The Swift standard library and runtime (--static-swift-stdlib)", [
        swift_version, "Apache License 2.0 with the Runtime Library Exception: no attribution is required for the",
        "portions embedded in a compiled program; the text is given for completeness.", "", read(swift_license), ""])]
    gcc = read(GCC_COPYRIGHT) if os.path.isfile(GCC_COPYRIGHT) else ""
    start = gcc.find("GCC RUNTIME LIBRARY EXCEPTION")
    end = gcc.find("2. No Weakening of GCC Copyleft.")
    exception = gcc[start:gcc.find("\n\n\n", end)].rstrip() if start >= 0 and end > start else \
        "GCC Runtime Library Exception 3.1: https://www.gnu.org/licenses/gcc-exception-3.1.html"
    sections.append(section("libstdc++ and GCC's unwinder (libgcc_eh), linked statically by deploy/build.sh", [
        "GNU General Public License 3 with the GCC Runtime Library Exception 3.1, which permits conveying a program",
        "compiled with them under terms of one's choice; no notice is required.", "", exception, ""]))
    return sections


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--output", required=True)
    parser.add_argument("products", nargs="+")
    arguments = parser.parse_args()
    graph = Graph()
    # Twice: a package's traits are what every dependent asks, and the second walk has read every dependent.
    for _ in range(2):
        graph.linked = set()
        for product in arguments.products:
            graph.visit_product(None, product)
    resolved = os.path.join(ROOT, "Package.resolved")
    pins = {pin["identity"]: pin for pin in json.load(open(resolved))["pins"]} if os.path.isfile(resolved) else {}
    header = [
        "Third-party software in the intercom-fullstory release binaries (%s)." % ", ".join(arguments.products),
        "intercom-fullstory itself is licensed under the Apache License 2.0 (LICENSE). The binaries load libcurl,",
        "OpenSSL's libcrypto and glibc from the machine they run on; none of them is shipped here.",
        "", "Packages linked: " + (", ".join(sorted(graph.linked)) or "none"), ""]
    text = "\n".join(header) + "\n" + "\n".join(
        [package_section(identity, pins) for identity in sorted(graph.linked)] + toolchain_sections())
    with open(arguments.output, "w", encoding="utf-8") as output:
        output.write(text)
    print("third-party-licenses: %s: %s" % (arguments.output, ", ".join(sorted(graph.linked))), file=sys.stderr)


if __name__ == "__main__":
    main()
