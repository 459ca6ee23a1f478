#!/usr/bin/env python3
"""Refuses a function, initializer or subscript in Sources/ longer than 80 lines (declaration to closing brace):
a long procedure is several concerns in one place (docs/development.md, "Targets"). Braces are counted outside
strings and comments. `--self-test` shows that it finds one, and that braces in strings do not fool it."""
import os
import re
import sys

LIMIT = 80
DECLARATION = re.compile(
    r"^\s*(?:@\w+(?:\([^)]*\))?\s+)*"
    r"(?:(?:public|private|fileprivate|internal|package|static|class|final|override|mutating|nonmutating|nonisolated"
    r"|convenience|required)\s+)*"
    r"(func\s+[^\s(<]+|init[?!]?\s*[(<]|deinit\b|subscript\s*[(<])")


def code_only(lines):
    """Each line with its strings and comments blanked out."""
    block_comment = multiline_string = False
    result = []
    for line in lines:
        out, i = [], 0
        while i < len(line):
            if block_comment:
                end = line.find("*/", i)
                if end < 0:
                    break
                block_comment, i = False, end + 2
            elif multiline_string:
                end = line.find('"""', i)
                if end < 0:
                    break
                multiline_string, i = False, end + 3
            elif line.startswith("//", i):
                break
            elif line.startswith("/*", i):
                block_comment, i = True, i + 2
            elif line.startswith('"""', i):
                multiline_string, i = True, i + 3
            elif line[i] == '"':
                i += 1
                interpolation = 0
                while i < len(line):
                    if line.startswith("\\(", i):
                        interpolation, i = interpolation + 1, i + 2
                        continue
                    if line[i] == "\\":
                        i += 2
                        continue
                    if interpolation and line[i] == ")":
                        interpolation -= 1
                    elif line[i] == '"' and not interpolation:
                        break
                    i += 1
                i += 1
            else:
                out.append(line[i])
                i += 1
        result.append("".join(out))
    return result


def lengths(path):
    lines = open(path, encoding="utf-8").read().split("\n")
    code = code_only(lines)
    for start, line in enumerate(code):
        match = DECLARATION.match(line)
        if not match:
            continue
        depth, opened = 0, False
        for end in range(start, min(len(code), start + 10_000)):
            for character in code[end]:
                if character == "{":
                    depth, opened = depth + 1, True
                elif character == "}":
                    depth -= 1
            if opened and depth <= 0:
                yield match.group(1).strip(), start + 1, end - start + 1
                break
            if not opened and end > start + 15:
                break  # a protocol requirement: no body


def check(root):
    found = []
    for folder, _, files in os.walk(root):
        for name in sorted(files):
            if name.endswith(".swift"):
                path = os.path.join(folder, name)
                found += [(count, path, line, what) for what, line, count in lengths(path)]
    return found


def self_test():
    import tempfile
    with tempfile.TemporaryDirectory() as folder:
        body = "\n".join('        let text%d = "{ not a brace }"  // }' % n for n in range(LIMIT - 2))
        with open(os.path.join(folder, "Long.swift"), "w") as file:
            file.write("struct S {\n    func long() {\n%s\n    }\n    func short() { }\n}\n" % body)
        found = {what: count for count, _, _, what in check(folder)}
        assert found == {"func long": LIMIT, "func short": 1}, found
        with open(os.path.join(folder, "Long.swift"), "a") as file:
            file.write("func longer() {\n%s\n\n}\n" % body)
        assert max(count for count, _, _, _ in check(folder)) == LIMIT + 1
    print("check-function-length: self-test ok")


if __name__ == "__main__":
    if "--self-test" in sys.argv:
        self_test()
    found = check(sys.argv[-1] if len(sys.argv) > 1 and not sys.argv[-1].startswith("--") else "Sources")
    longest = max(found, default=(0, "", 0, ""))
    too_long = [item for item in found if item[0] > LIMIT]
    for count, path, line, what in sorted(too_long, reverse=True):
        print("check-function-length: %s:%d %s is %d lines (at most %d)" % (path, line, what, count, LIMIT), file=sys.stderr)
    print("check-function-length: %d functions; the longest %d lines (%s:%d)" % (len(found), longest[0], longest[1], longest[2]))
    sys.exit(1 if too_long else 0)
