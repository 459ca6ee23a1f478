#!/usr/bin/env python3
"""Checks what `sam validate --lint` cannot: the dashboard's body is valid CloudWatch dashboard JSON with durable
delivery on and off, and every alarm and widget of namespace IntercomFullStory uses the FunctionName dimension.
Run with the python of aws-sam-cli's environment (it reads the template with the SAM translator's YAML loader).
"""
import json
import os
import sys

from samtranslator.yaml_helper import yaml_parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def resolve(node, conditions):
    """Fn::Join, Fn::If and Fn::Sub with placeholder values: enough to read the dashboard's JSON."""
    if isinstance(node, dict) and len(node) == 1:
        (key, value), = node.items()
        if key == "Fn::Join":
            return value[0].join(resolve(part, conditions) for part in value[1])
        if key == "Fn::If":
            return resolve(value[1] if conditions[value[0]] else value[2], conditions)
        if key == "Fn::Sub":
            text = value if isinstance(value, str) else value[0]
            while "${" in text:
                start = text.index("${")
                end = text.index("}", start)
                text = text[:start] + "placeholder-" + text[start + 2:end].replace(".", "-").replace(":", "-") + text[end + 1:]
            return text
        if key == "Ref":
            return "placeholder-" + value
    return node


def main():
    with open(os.path.join(ROOT, "template.yaml")) as source:
        template = yaml_parse(source.read())
    problems = []
    for durable in (True, False):
        body = resolve(template["Resources"]["Dashboard"]["Properties"]["DashboardBody"], {"DurableDeliveryOn": durable})
        try:
            dashboard = json.loads(body)
        except ValueError as error:
            problems.append("dashboard body (durable delivery %s) is not JSON: %s" % (durable, error))
            continue
        for widget in dashboard["widgets"]:
            for row in widget["properties"]["metrics"]:
                if row[0] == "IntercomFullStory" and row[2:4] != ["FunctionName", "placeholder-IntercomFullStoryFunction"]:
                    problems.append("widget %r: %s without the FunctionName dimension" % (widget["properties"]["title"], row[1]))
        queues = any("AWS/SQS" in json.dumps(w) for w in dashboard["widgets"])
        if queues != durable:
            problems.append("the queue widget is %s with durable delivery %s" % ("there" if queues else "missing", durable))
    for name, resource in template["Resources"].items():
        properties = resource.get("Properties", {})
        if resource["Type"] == "AWS::CloudWatch::Alarm" and properties.get("Namespace") == "IntercomFullStory":
            dimensions = properties.get("Dimensions", [])
            if [d.get("Name") for d in dimensions] != ["FunctionName"]:
                problems.append("alarm %s lacks the FunctionName dimension" % name)
    for problem in problems:
        print("check-template: " + problem, file=sys.stderr)
    print("check-template: %s" % ("FAIL" if problems else "dashboard JSON and metric dimensions ok"))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
