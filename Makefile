# Thin list of targets; the scripts behind them live in deploy/.
.PHONY: local invoke test requirements emulator moto build package release bench soak fuzz symbol-order events dry-run build-IntercomFullStoryFunction

# Run every sample event in events/ through the real bootstrap under the Lambda emulator, with a local
# FullStory stand-in, and print a table.
local: requirements
	deploy/local.sh

# The same for one event file: make invoke EVENT=events/closed.v1.json
invoke:
	SHOW_LOGS=1 deploy/local.sh $(EVENT)

# Run the test suite (unit, runtime loop, and end to end under the Lambda Runtime Interface Emulator, with
# moto's server as SQS).
test: requirements emulator moto
	swift build --product bootstrap
	swift build --product intercom-fullstory
	swift build --product runtime-memory-probe
	swift test

# System packages the build links against (installed with apt-get when run as root).
requirements:
	deploy/requirements.sh

# The AWS Lambda Runtime Interface Emulator, from the aws-sam-cli wheel on PyPI, at .build/aws-lambda-rie.
emulator:
	deploy/fetch-emulator.sh

# moto's server (PyPI moto[server]) as a local SQS with signature checks, in .build/moto-venv.
moto:
	deploy/fetch-moto.sh >/dev/null

# Release build of bootstrap (static Swift stdlib, stripped, checked for Amazon Linux 2023).
build: requirements
	deploy/build.sh

# The deployable zip, with its size.
package: requirements
	deploy/package.sh

# What users download: dist/intercom-fullstory-<version>/ with the Lambda zip, the CLI archive, a template that
# deploys the zip as it is, licenses and SHA256SUMS (docs/releases.md). Packaged twice and compared.
release: requirements
	deploy/release.sh

# Cold start, warm latency, memory, package size and handler cost against the C floor, as one table.
bench: requirements
	Benchmarks/run.py

# 10,000 mixed invocations: no unexpected answer, no leak of memory, descriptors, secrets or message text.
soak: requirements
	Benchmarks/soak.py

# The three libFuzzer targets for FUZZ_SECONDS each (default 60): make fuzz FUZZ_SECONDS=600
fuzz: requirements
	SECONDS_PER_TARGET=$(or $(FUZZ_SECONDS),60) deploy/fuzz.sh

# Regenerate deploy/symbol-order.txt (the hot functions the linker puts first) from a run under callgrind.
symbol-order: requirements
	deploy/symbol-order.py

# Called by `sam build` (BuildMethod: makefile); installs the system packages it needs first, as `make test` does.
build-IntercomFullStoryFunction: requirements
	cp "$$(deploy/build.sh)" "$(ARTIFACTS_DIR)/bootstrap"

# Re-sign the sample events in events/ (after editing events/bodies/).
events:
	events/generate.sh

# One event through the core only (no network): make dry-run EVENT=events/closed.v1.json
dry-run:
	INTERCOM_CLIENT_SECRET=$${INTERCOM_CLIENT_SECRET:-test-intercom-client-secret} swift run -q intercom-fullstory invoke --dry-run $(EVENT)
