#!/usr/bin/env python3
"""Checks what `sam validate --lint` cannot: the dashboard's body is valid CloudWatch dashboard JSON with durable
delivery on and off, every alarm and widget of namespace IntercomFullStory uses the FunctionName dimension, every
alarmed metric is on the dashboard, and the refusal alarms fire on the first refusal with no OK action.
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
    # Alarms on refusals only an operator can fix: the first one alarms, and no OK action (a quiet period proves nothing).
    for name in ("PinRefusedAlarm", "AbsmartlyRejectedAlarm"):
        properties = template["Resources"].get(name, {}).get("Properties", {})
        wanted = {"EvaluationPeriods": 1, "DatapointsToAlarm": 1, "Threshold": 1, "TreatMissingData": "notBreaching"}
        if any(properties.get(key) != value for key, value in wanted.items()) or "OKActions" in properties:
            problems.append("alarm %s must fire on one refusal in one period, with no OK action" % name)
    # Every metric an alarm of namespace IntercomFullStory watches is on the dashboard too.
    body = resolve(template["Resources"]["Dashboard"]["Properties"]["DashboardBody"], {"DurableDeliveryOn": True})
    shown = {row[1] for widget in json.loads(body)["widgets"] for row in widget["properties"]["metrics"] if row[0] == "IntercomFullStory"}
    for name, resource in template["Resources"].items():
        properties = resource.get("Properties", {})
        if resource["Type"] == "AWS::CloudWatch::Alarm" and properties.get("Namespace") == "IntercomFullStory" \
                and properties.get("MetricName") not in shown:
            problems.append("alarm %s watches %s, which the dashboard does not show" % (name, properties.get("MetricName")))
    for problem in problems:
        print("check-template: " + problem, file=sys.stderr)
    print("check-template: %s" % ("FAIL" if problems else "dashboard JSON and metric dimensions ok"))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
