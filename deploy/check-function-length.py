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


def code_only(text):
    """The text with every string's contents and every comment blanked (newlines kept), so that only code's braces
    count: raw strings (`#"…"#`), multi-line strings, interpolations holding strings of their own, nested comments."""
    out = list(text)
    # Contexts: ("code", parentheses open in an interpolation, or None at top level) or ("string", hashes, multiline).
    stack = [("code", None)]
    i, n = 0, len(text)

    def blank(a, b):
        for k in range(a, b):
            if out[k] != "\n":
                out[k] = " "

    while i < n:
        kind = stack[-1][0]
        if kind == "code":
            if text.startswith("//", i):
                end = text.find("\n", i)
                end = n if end < 0 else end
                blank(i, end)
                i = end
                continue
            if text.startswith("/*", i):
                depth, k = 1, i + 2
                while k < n and depth:
                    if text.startswith("/*", k):
                        depth, k = depth + 1, k + 2
                    elif text.startswith("*/", k):
                        depth, k = depth - 1, k + 2
                    else:
                        k += 1
                blank(i, k)
                i = k
                continue
            match = re.match(r'(#*)("""|")', text[i:i + 64])
            if match and (match.group(1) == "" or text[i] == "#"):
                hashes, quote = len(match.group(1)), match.group(2)
                stack.append(("string", hashes, quote == '"""'))
                i += match.end()
                continue
            parentheses = stack[-1][1]
            if parentheses is not None:
                if text[i] == "(":
                    stack[-1] = ("code", parentheses + 1)
                elif text[i] == ")":
                    if parentheses == 0:
                        stack.pop()  # the interpolation ends; back in its string
                        out[i] = " "
                        i += 1
                        continue
                    stack[-1] = ("code", parentheses - 1)
            i += 1
            continue
        _, hashes, multiline = stack[-1]
        close = ('"""' if multiline else '"') + "#" * hashes
        escape = "\\" + "#" * hashes
        if text.startswith(escape + "(", i):
            blank(i, i + len(escape) + 1)
            stack.append(("code", 0))
            i += len(escape) + 1
        elif text.startswith(escape, i):
            blank(i, min(n, i + len(escape) + 1))
            i += len(escape) + 1
        elif text.startswith(close, i):
            stack.pop()
            i += len(close)
        else:
            if text[i] != "\n":
                out[i] = " "
            i += 1
    return "".join(out), len(stack) == 1


REQUIREMENT_END = re.compile(r"^\s*(?:(?:public|private|fileprivate|internal|package|static|mutating)\s+)*(?:func|init|var|let|case|typealias|associatedtype|subscript|struct|enum|class|protocol|extension|@)\b")


def lengths(path):
    code, balanced = code_only(open(path, encoding="utf-8").read())
    lines = code.split("\n")
    if not balanced or code.count("{") != code.count("}"):
        raise SystemExit("check-function-length: %s: strings or braces do not balance; the count cannot be trusted" % path)
    for start, line in enumerate(lines):
        match = DECLARATION.match(line)
        if not match:
            continue
        depth = nesting = 0
        opened = False
        for end in range(start, len(lines)):
            if end > start and not opened and nesting == 0 and (DECLARATION.match(lines[end]) or REQUIREMENT_END.match(lines[end]) or lines[end].strip().startswith("}")):
                break  # a protocol requirement: no body
            for character in lines[end]:
                if character in "([":
                    nesting += 1
                elif character in ")]":
                    nesting -= 1
                elif character == "{" and (opened or nesting == 0):
                    depth, opened = depth + 1, True
                elif character == "}" and opened:
                    depth -= 1
            if opened and depth == 0:
                yield match.group(1).strip(), start + 1, end - start + 1
                break


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
    tricky = """protocol P {
    func required() -> Int
    func other()
}
struct T {
    func withDefault(stop: () -> Bool = { false }) {
        let a = "\\(x.map { " (\\($0))" } ?? "")"  // }
        let b = #"{"a":"\\"}"#
        let c = \"\"\"
        } } {
        \"\"\"
        /* } /* nested } */ } */
        print(a, b, c)
    }
}
"""
    with tempfile.TemporaryDirectory() as folder:
        with open(os.path.join(folder, "Tricky.swift"), "w") as file:
            file.write(tricky)
        found = {what: count for count, _, _, what in check(folder)}
        assert found == {"func withDefault": 9}, found
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
