import AWSSQS
import IntercomFullStoryFunction
import Testing

/// `DELIVERY_QUEUE_URL` and the AWS variables that come with it.
@Suite struct DeliveryQueueConfigurationTests {
    static let queue = "https://sqs.eu-west-1.amazonaws.com/123456789012/intercom-fullstory-delivery"
    static let environment = FunctionConfigurationTests.minimal.merging([
        "DELIVERY_QUEUE_URL": queue, "AWS_ACCESS_KEY_ID": "ASIAEXAMPLEKEYID", "AWS_SECRET_ACCESS_KEY": "secret/value+1",
        "AWS_SESSION_TOKEN": "token-value", "AWS_REGION": "eu-west-1",
    ]) { $1 }

    func problem(_ changes: [String: String?]) -> String? {
        var environment = Self.environment
        for (name, value) in changes { environment[name] = value }
        do {
            _ = try FunctionConfiguration(environment: environment)
            return nil
        } catch {
            return error.description
        }
    }

    @Test func withoutTheQueueNothingChanges() throws {
        #expect(try FunctionConfiguration(environment: FunctionConfigurationTests.minimal).deliveryQueue == nil)
        // AWS variables alone (Lambda always sets them) do not switch durable delivery on.
        var environment = Self.environment
        environment["DELIVERY_QUEUE_URL"] = ""
        #expect(try FunctionConfiguration(environment: environment).deliveryQueue == nil)
    }

    @Test func theQueueAndLambdasCredentials() throws {
        let settings = try #require(try FunctionConfiguration(environment: Self.environment).deliveryQueue)
        #expect(settings.queue.url == Self.queue)
        #expect(settings.queue.endpoint == "https://sqs.eu-west-1.amazonaws.com/")
        #expect(settings.credentials == AWSCredentials(
            accessKeyID: "ASIAEXAMPLEKEYID", secretAccessKey: "secret/value+1", sessionToken: "token-value", region: "eu-west-1"))
        #expect(settings.circuitOpenMilliseconds == 30_000)
    }

    @Test func missingOrWrongValuesAreNamedNeverShown() {
        #expect(problem(["DELIVERY_QUEUE_URL": "http://sqs.eu-west-1.amazonaws.com/1/q"])?.hasPrefix("DELIVERY_QUEUE_URL must be") == true)
        #expect(problem(["DELIVERY_QUEUE_URL": "https://sqs.eu-west-1.amazonaws.com"])?.hasPrefix("DELIVERY_QUEUE_URL") == true)
        #expect(problem(["DELIVERY_QUEUE_URL": "http://127.0.0.1:4566/000000000000/q"]) == nil, "loopback for local runs")
        #expect(problem(["AWS_ACCESS_KEY_ID": nil])?.hasPrefix("AWS_ACCESS_KEY_ID is required") == true)
        #expect(problem(["AWS_SECRET_ACCESS_KEY": nil])?.hasPrefix("AWS_SECRET_ACCESS_KEY is required") == true)
        #expect(problem(["AWS_REGION": nil]) != nil)
        #expect(problem(["AWS_REGION": nil, "AWS_DEFAULT_REGION": "us-east-2"]) == nil)
        #expect(problem(["AWS_REGION": "eu west"])?.hasPrefix("AWS_REGION") == true)
        #expect(problem(["AWS_SESSION_TOKEN": nil]) == nil, "long-term keys have no token")
        #expect(problem(["AWS_SESSION_TOKEN": "a b"])?.hasPrefix("AWS_SESSION_TOKEN") == true)
        #expect(problem(["DELIVERY_CIRCUIT_SECONDS": "0"])?.hasPrefix("DELIVERY_CIRCUIT_SECONDS") == true)
        #expect(problem(["DELIVERY_CIRCUIT_SECONDS": "5"]) == nil)
        for description in [problem(["AWS_ACCESS_KEY_ID": "bad key"]), problem(["AWS_SECRET_ACCESS_KEY": nil])] {
            #expect(description?.contains("secret/value+1") == false)
        }
    }
}
