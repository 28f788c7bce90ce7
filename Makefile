# SAM builds every function with `make build-<LogicalId>` (Metadata: BuildMethod: makefile).
# All six share one jar; Lambda puts lib/*.jar on the classpath.
FUNCTIONS_JAR = functions/target/functions-lambda.jar

build-ConnectFunction build-DisconnectFunction build-MessageFunction build-TimerFunction build-AuthorizerFunction build-ListLobbiesFunction:
	mvn -B -q -pl functions -am -DskipTests package
	mkdir -p "$(ARTIFACTS_DIR)/lib"
	cp $(FUNCTIONS_JAR) "$(ARTIFACTS_DIR)/lib/"

.PHONY: build-ConnectFunction build-DisconnectFunction build-MessageFunction build-TimerFunction build-AuthorizerFunction build-ListLobbiesFunction
