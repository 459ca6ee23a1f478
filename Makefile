# Thin list of targets; the scripts behind them live in deploy/.
.PHONY: local test events dry-run emulator

# Run every sample event in events/ through the function locally and print a table.
local:
	deploy/local.sh

# Run the test suite (unit, runtime loop, and end to end under the Lambda Runtime Interface Emulator).
test: emulator
	swift build --product bootstrap
	swift test

# The AWS Lambda Runtime Interface Emulator, from the aws-sam-cli wheel on PyPI, at .build/aws-lambda-rie.
emulator:
	deploy/fetch-emulator.sh

# Re-sign the sample events in events/ (after editing events/bodies/).
events:
	events/generate.sh

# One event through the core, printing the response and the FullStory request: make dry-run EVENT=events/closed.v1.json
dry-run:
	INTERCOM_CLIENT_SECRET=$${INTERCOM_CLIENT_SECRET:-test-intercom-client-secret} swift run -q intercom-fullstory invoke --dry-run $(EVENT)
